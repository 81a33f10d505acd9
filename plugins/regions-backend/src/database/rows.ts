/** A timestamp column as knex returns it: PostgreSQL a Date; SQLite epoch milliseconds or text. */
export type TimestampValue = Date | string | number;

/** A timestamp column's value as a Date, whatever the database returned. */
export function toDate(value: TimestampValue): Date {
  return value instanceof Date ? value : new Date(value);
}
