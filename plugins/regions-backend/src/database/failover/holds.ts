import { ConflictError } from '@backstage/errors';
import { Knex } from 'knex';
import { HOLDS, RunTable } from './runTable';

// Matched on the message: better-sqlite3's errors fail instanceof checks when
// the native module is loaded twice (e.g. by two test files in one worker).
const UNIQUE_VIOLATION =
  /UNIQUE constraint failed|duplicate key value violates unique constraint/;

type HoldRow = { resource: string; run_id: string };

/** The hold a run takes on a database node, next to those on its regions. */
export function databaseHold(name: string): string {
  return `database:${name}`;
}

/**
 * Inserts `holds` for the run with `write` in one transaction; a ConflictError
 * naming the holder when another run holds any of them. The primary key of the
 * holds makes a second run on any of them fail, even from another instance.
 */
export async function hold(
  table: RunTable,
  holds: string[],
  runId: string,
  write: (tx: Knex.Transaction) => Promise<void>,
): Promise<void> {
  const unique = [...new Set(holds)];
  try {
    await table.db.transaction(async tx => {
      await write(tx);
      await tx(HOLDS).insert(
        unique.map(resource => ({ resource, run_id: runId })),
      );
    });
  } catch (error) {
    if (!UNIQUE_VIOLATION.test(String((error as Error)?.message))) {
      throw error;
    }
    const holder = await firstHolder(table.db, unique);
    throw new ConflictError(
      holder
        ? `failover run ${holder.run_id} is in progress for ${holder.resource}; wait for it to finish`
        : `another failover run was in progress for ${unique.join(
            ' or ',
          )}; try again`,
    );
  }
}

/** Which unfinished run holds any of these regions or nodes, in words; undefined when none does. */
export async function holderOf(
  table: RunTable,
  holds: string[],
): Promise<string | undefined> {
  const holder = await firstHolder(table.db, holds);
  return holder
    ? `failover run ${holder.run_id} is in progress for ${holder.resource}`
    : undefined;
}

/** Releases the holds of a run that ends, inside the transaction that ends it. */
export async function releaseHolds(tx: Knex, runId: string): Promise<void> {
  await tx(HOLDS).where({ run_id: runId }).delete();
}

function firstHolder(db: Knex, holds: string[]) {
  return db(HOLDS).whereIn('resource', holds).first<HoldRow | undefined>();
}
