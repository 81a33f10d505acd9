import { Knex } from 'knex';

/** A timestamp column as knex returns it: PostgreSQL a Date; SQLite epoch milliseconds or text. */
export type TimestampValue = Date | string | number;

/** A timestamp column's value as a Date, whatever the database returned. */
export function toDate(value: TimestampValue): Date {
  return value instanceof Date ? value : new Date(value);
}

/**
 * The index of the `widthMs`-wide slot since the epoch a timestamp column
 * falls in: PostgreSQL stores timestamps, SQLite epoch milliseconds (as knex
 * writes a Date there).
 */
export function historySlot(
  db: Knex,
  column: string,
  widthMs: number,
): Knex.Raw {
  return db.client.config.client === 'pg'
    ? // date_part is a double; extract a numeric, several times slower
      db.raw("floor(date_part('epoch', ??) * 1000 / ?)::bigint", [
        column,
        widthMs,
      ])
    : db.raw('cast(?? / ? as integer)', [column, widthMs]);
}
