import {
  DatabaseNode,
  DatabaseNodeState,
  FailoverStepContext,
  Promoter,
} from '@meridian/plugin-regions-node';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, DatabaseError } from 'pg';
import {
  connectionSecrets,
  networkErrorReason,
  redact,
  UNREACHABLE_ERROR_CODES,
} from '../../lib/errors';

const CONNECT_TIMEOUT_MS = 3_000;
const STATEMENT_TIMEOUT_MS = 10_000;
/** How long the node may take to leave recovery once promoted. */
const PROMOTE_TIMEOUT_MS = 60_000;
/** How long a standby may take to replay up to the fenced primary's last position. */
const REPLAY_TIMEOUT_MS = 60_000;
/** How long the new primary may take to accept its first write. */
const WRITABLE_TIMEOUT_MS = 10_000;
const FENCE_TERMINATE_TIMEOUT_MS = 5_000;
// Replay and writability are polled: a switchover's RTO is mostly these waits.
const POLL_MS = 5;

/** SQLSTATE of a write refused in a read-only transaction. */
const READ_ONLY_SQL_TRANSACTION = '25006';

const PROBE_TABLE = 'meridian_failover_probe';

/** Errors that mean the node does not answer at all (stopped, unreachable). */
const UNREACHABLE = new Set([
  ...UNREACHABLE_ERROR_CODES,
  '57P01', // admin_shutdown: the server is shutting down
  '57P03', // cannot_connect_now: starting up or shutting down
]);

/**
 * The `postgres` promoter: drives plain PostgreSQL (12+) nodes over SQL with
 * the connection string of `regions.databases.<name>.connection`.
 *
 * - fence: `ALTER SYSTEM SET default_transaction_read_only = on`, reload, and
 *   terminate every other client session (waiting for each to exit), so no
 *   transaction can start writing again; then reads the last WAL position
 *   written (`pg_current_wal_insert_lsn()`, which covers asynchronous commits).
 * - promote: waits until the standby has replayed that position, then
 *   `pg_promote(true, 60)`.
 * - verifyWritable: creates or updates a row of `meridian_failover_probe` in a
 *   transaction and commits it.
 * - verifyFenced: the node is unreachable, in recovery, or refuses a write in
 *   a default transaction with SQLSTATE 25006.
 *
 * It needs a superuser, or a role granted EXECUTE on `pg_promote`, membership
 * in `pg_signal_backend`, `ALTER SYSTEM` on `default_transaction_read_only`
 * (`GRANT ALTER SYSTEM ON PARAMETER`, PostgreSQL 15+), EXECUTE on
 * `pg_reload_conf`, and CREATE on the database's `public` schema for the probe
 * table. Error messages never contain the connection string, user or password.
 */
export class PostgresPromoter implements Promoter {
  readonly id = 'postgres';

  supports(node: DatabaseNode): boolean {
    return Boolean(node.connection);
  }

  async inspect(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<DatabaseNodeState> {
    return this.withNode(node, ctx, 'inspect', async client => {
      const {
        rows: [row],
      } = await client.query<{
        in_recovery: boolean;
        lsn: string;
        receive_lsn: string | null;
        receiver: string | null;
        read_only: string;
      }>(`
        SELECT pg_is_in_recovery() AS in_recovery,
               (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()
                     ELSE pg_current_wal_insert_lsn() END)::text AS lsn,
               pg_last_wal_receive_lsn()::text AS receive_lsn,
               (SELECT status FROM pg_stat_wal_receiver) AS receiver,
               current_setting('default_transaction_read_only') AS read_only`);
      if (row.in_recovery) {
        return {
          role: 'standby',
          writable: false,
          lsn: row.lsn,
          ...(row.receive_lsn ? { receiveLsn: row.receive_lsn } : {}),
          streaming: row.receiver === 'streaming',
        };
      }
      return {
        role: 'primary',
        writable: row.read_only !== 'on',
        lsn: row.lsn,
      };
    });
  }

  async fence(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<{ lsn?: string }> {
    return this.withNode(node, ctx, 'fence', async client => {
      const {
        rows: [{ in_recovery: inRecovery }],
      } = await client.query<{ in_recovery: boolean }>(
        'SELECT pg_is_in_recovery() AS in_recovery',
      );
      if (inRecovery) {
        throw new Error('it is in recovery (a standby), not a primary');
      }
      // Our own session must stay able to read the WAL position afterwards; it
      // writes nothing, so read-only does not hinder it.
      await client.query('ALTER SYSTEM SET default_transaction_read_only = on');
      await client.query('SELECT pg_reload_conf()');
      ctx.log(
        `${node.name}: default_transaction_read_only = on (ALTER SYSTEM, reloaded)`,
      );
      // Sessions opened before the reload may still be in a read-write
      // transaction: end them, and wait until they are gone, so that nothing
      // commits after the position read below.
      // Materialized so that our own session is left out before anything is
      // terminated: WHERE clauses are not evaluated in a fixed order.
      const { rows: terminated } = await client.query<{ pid: number }>(
        `WITH clients AS MATERIALIZED (
           SELECT pid FROM pg_stat_activity
            WHERE backend_type = 'client backend' AND pid <> pg_backend_pid())
         SELECT pid FROM clients WHERE pg_terminate_backend(pid, $1)`,
        [FENCE_TERMINATE_TIMEOUT_MS],
      );
      ctx.log(
        `${node.name}: terminated ${terminated.length} client session(s)`,
      );
      const {
        rows: [{ lsn }],
      } = await client.query<{ lsn: string }>(
        'SELECT pg_current_wal_insert_lsn()::text AS lsn',
      );
      ctx.log(`${node.name}: fenced; last WAL position ${lsn}`);
      return { lsn };
    });
  }

  async promote(
    node: DatabaseNode,
    ctx: FailoverStepContext,
    options: { waitForLsn?: string; source?: DatabaseNode },
  ): Promise<void> {
    await this.withNode(node, ctx, 'promote', async client => {
      const { waitForLsn } = options;
      if (waitForLsn) {
        const started = Date.now();
        for (;;) {
          const {
            rows: [row],
          } = await client.query<{
            in_recovery: boolean;
            replay_lsn: string | null;
            done: boolean;
          }>(
            `SELECT pg_is_in_recovery() AS in_recovery,
                    pg_last_wal_replay_lsn()::text AS replay_lsn,
                    coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS done`,
            [waitForLsn],
          );
          if (!row.in_recovery) {
            throw new Error('it is not in recovery: already a primary');
          }
          if (row.done) {
            ctx.log(
              `${node.name}: replayed up to ${
                row.replay_lsn
              } (≥ ${waitForLsn}) in ${Date.now() - started} ms`,
            );
            break;
          }
          if (Date.now() - started > REPLAY_TIMEOUT_MS) {
            throw new Error(
              `it replayed only up to ${
                row.replay_lsn
              } of ${waitForLsn} within ${
                REPLAY_TIMEOUT_MS / 1000
              } s; it was not promoted`,
            );
          }
          await delay(POLL_MS, undefined, { signal: ctx.signal });
        }
      }
      // pg_promote(true) checks only every 100 ms whether recovery ended;
      // polling ourselves takes a few milliseconds off the RTO.
      await client.query('SELECT pg_promote(false)');
      const started = Date.now();
      for (;;) {
        const {
          rows: [{ in_recovery: inRecovery }],
        } = await client.query<{ in_recovery: boolean }>(
          'SELECT pg_is_in_recovery() AS in_recovery',
        );
        if (!inRecovery) {
          break;
        }
        if (Date.now() - started > PROMOTE_TIMEOUT_MS) {
          throw new Error(
            `pg_promote was sent but recovery did not end within ${
              PROMOTE_TIMEOUT_MS / 1000
            } s`,
          );
        }
        await delay(POLL_MS, undefined, { signal: ctx.signal });
      }
      ctx.log(`${node.name}: promoted (pg_promote)`);
      // A node fenced by an earlier switchover and rewound into a standby
      // keeps the fence in postgresql.auto.conf: lifted, or the new primary
      // would refuse writes.
      const { rows: fence } = await client.query(
        `SELECT 1 FROM pg_file_settings
          WHERE name = 'default_transaction_read_only' AND setting = 'on'
            AND sourcefile LIKE '%postgresql.auto.conf'`,
      );
      if (fence.length > 0) {
        await client.query('ALTER SYSTEM RESET default_transaction_read_only');
        await client.query('SELECT pg_reload_conf()');
        ctx.log(
          `${node.name}: lifted default_transaction_read_only left by an earlier fence (ALTER SYSTEM RESET, reloaded)`,
        );
      }
    });
  }

  async verifyWritable(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<void> {
    const started = Date.now();
    // Right after promotion the node may briefly still refuse writes.
    for (;;) {
      try {
        await this.withNode(node, ctx, 'write to', async client => {
          await client.query('BEGIN');
          await client.query(
            `CREATE TABLE IF NOT EXISTS ${PROBE_TABLE} (
               node text PRIMARY KEY, written_at timestamptz NOT NULL)`,
          );
          await client.query(
            `INSERT INTO ${PROBE_TABLE} (node, written_at) VALUES ($1, now())
             ON CONFLICT (node) DO UPDATE SET written_at = excluded.written_at`,
            [node.name],
          );
          await client.query('COMMIT');
        });
        ctx.log(`${node.name}: a write committed (${PROBE_TABLE})`);
        return;
      } catch (error) {
        if (ctx.signal.aborted || Date.now() - started > WRITABLE_TIMEOUT_MS) {
          throw error;
        }
        await delay(POLL_MS * 4, undefined, { signal: ctx.signal });
      }
    }
  }

  async verifyFenced(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<void> {
    let client: Client;
    try {
      client = await this.connect(node, ctx);
    } catch (error) {
      if (isUnreachable(error)) {
        ctx.log(
          `${node.name}: does not answer (${reasonOf(error, node)}): fenced`,
        );
        return;
      }
      throw new Error(
        `cannot verify that ${node.name} is fenced: ${reasonOf(error, node)}`,
      );
    }
    try {
      const {
        rows: [{ in_recovery: inRecovery }],
      } = await client.query<{ in_recovery: boolean }>(
        'SELECT pg_is_in_recovery() AS in_recovery',
      );
      if (inRecovery) {
        ctx.log(`${node.name}: in recovery (a standby): fenced`);
        return;
      }
      // A write in a default transaction, rolled back whatever happens.
      await client.query('BEGIN');
      try {
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${PROBE_TABLE} (
             node text PRIMARY KEY, written_at timestamptz NOT NULL)`,
        );
      } catch (error) {
        if ((error as DatabaseError).code === READ_ONLY_SQL_TRANSACTION) {
          ctx.log(`${node.name}: refuses writes (read-only): fenced`);
          return;
        }
        throw error;
      } finally {
        await client.query('ROLLBACK').catch(() => {});
      }
      throw new Error(`${node.name} still accepts writes: it is NOT fenced`);
    } catch (error) {
      if (isUnreachable(error)) {
        ctx.log(`${node.name}: went away while checked: fenced`);
        return;
      }
      throw new Error(messageOf(error, node));
    } finally {
      await client.end().catch(() => {});
    }
  }

  private async connect(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<Client> {
    if (!node.connection) {
      throw new Error(
        `database ${node.name} has no connection under regions.databases.${node.name}`,
      );
    }
    ctx.signal.throwIfAborted();
    const client = new Client({
      connectionString: node.connection,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      application_name: 'meridian-failover',
    });
    // A node stopped or fenced meanwhile ends the connection: report it through
    // the query that fails, never as an unhandled event.
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    return client;
  }

  /** Runs `fn` on a fresh connection, with errors an operator can read and no secrets. */
  private async withNode<T>(
    node: DatabaseNode,
    ctx: FailoverStepContext,
    action: string,
    fn: (client: Client) => Promise<T>,
  ): Promise<T> {
    let client: Client | undefined;
    const onAbort = () => client?.end().catch(() => {});
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      client = await this.connect(node, ctx);
      return await fn(client);
    } catch (error) {
      throw new Error(
        `cannot ${action} ${node.name}: ${
          ctx.signal.aborted ? 'aborted' : messageOf(error, node)
        }`,
      );
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      await client?.end().catch(() => {});
    }
  }
}

function isUnreachable(error: unknown): boolean {
  const { code, message = '' } = (error ?? {}) as {
    code?: string;
    message?: string;
  };
  return (
    (code !== undefined && UNREACHABLE.has(code)) ||
    /Connection terminated|timeout expired|timeout exceeded/i.test(message)
  );
}

/** A thrown message from our own code passes; a driver's one is reduced to a reason. */
function messageOf(error: unknown, node: DatabaseNode): string {
  return error instanceof Error &&
    !(error instanceof DatabaseError) &&
    !(error as { code?: string }).code
    ? scrub(error.message, node)
    : reasonOf(error, node);
}

/** A short reason an operator can act on, never quoting the connection string, user or password. */
export function reasonOf(error: unknown, node: DatabaseNode): string {
  const { code, message = String(error) } = (error ?? {}) as {
    code?: string;
    message?: string;
  };
  const network = networkErrorReason(code);
  if (network) {
    return network;
  }
  // SQLSTATE class 28: PostgreSQL's messages here quote the user name.
  if (code?.startsWith('28')) {
    return 'authentication failed';
  }
  if (code === '42501') {
    return `permission denied (${scrub(
      message,
      node,
    )}): the role needs the privileges listed in the regions-backend README`;
  }
  if (code === '57014') {
    return `query timed out after ${STATEMENT_TIMEOUT_MS / 1000} s`;
  }
  if (code === '57P03') {
    return 'the server is starting up or shutting down';
  }
  if (/timeout expired|timeout exceeded/i.test(message)) {
    return `timed out after ${CONNECT_TIMEOUT_MS / 1000} s connecting`;
  }
  return scrub(message, node);
}

function scrub(message: string, node: DatabaseNode): string {
  return redact(message, connectionSecrets(node.connection ?? ''));
}
