import {
  DatabaseNode,
  DatabaseNodeState,
  FailoverStepContext,
  Promoter,
  PromotionResult,
} from '@meridian/plugin-regions-node';
import { setTimeout as delay } from 'node:timers/promises';
import { addressOf, withNode } from '../../postgres/connection';
import {
  NODE_FACTS_SQL,
  NodeFactsRow,
  nodeStateOf,
} from '../../postgres/nodeFacts';

/** How long the node may take to leave recovery once promoted. */
const PROMOTE_TIMEOUT_MS = 60_000;
/** How long a standby may take to replay up to the fenced primary's last position. */
const REPLAY_TIMEOUT_MS = 60_000;
/** How long the new primary may take to accept its first write. */
const WRITABLE_TIMEOUT_MS = 10_000;
// Replay and writability are polled: a switchover's RTO is mostly these waits.
const POLL_MS = 5;

const PROBE_TABLE = 'meridian_failover_probe';

/** Options of {@link PostgresPromoter}. */
export interface PostgresPromoterOptions {
  /** How long a standby may take to replay the fenced primary's last position. Default 60 s. */
  replayTimeoutMs?: number;
}

/**
 * The `postgres` promoter: drives plain PostgreSQL (14+) nodes over SQL with
 * the connection string of `regions.databases.<name>.connection`.
 *
 * - inspect: role, WAL positions, `system_identifier`, timeline, upstream and
 *   replicas, in one query (see NODE_FACTS_SQL).
 * - promote: waits until the standby has replayed the fenced primary's last
 *   position, then `pg_promote(false)` and polls until recovery ends.
 * - verifyWritable: creates or updates a row of `meridian_failover_probe` in a
 *   transaction and commits it.
 *
 * It needs a superuser, or a role granted EXECUTE on `pg_promote`, membership
 * in `pg_monitor`, and CREATE on the database's `public` schema for the probe
 * table. Error messages never contain the connection string, user or password.
 */
export class PostgresPromoter implements Promoter {
  readonly id = 'postgres';
  private readonly replayTimeoutMs: number;

  constructor(options: PostgresPromoterOptions = {}) {
    this.replayTimeoutMs = options.replayTimeoutMs ?? REPLAY_TIMEOUT_MS;
  }

  supports(node: DatabaseNode): boolean {
    return Boolean(node.connection) && !node.patroni;
  }

  async inspect(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<DatabaseNodeState> {
    return withNode(node, ctx, 'inspect', async client => {
      const {
        rows: [row],
      } = await client.query<NodeFactsRow>(NODE_FACTS_SQL);
      return nodeStateOf(row, addressOf(node.connection!));
    });
  }

  async promote(
    node: DatabaseNode,
    ctx: FailoverStepContext,
    options: { waitForLsn?: string; replayTimeoutIsLoss?: boolean },
  ): Promise<PromotionResult> {
    return withNode(node, ctx, 'promote', async client => {
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
          if (Date.now() - started > this.replayTimeoutMs) {
            if (options.replayTimeoutIsLoss) {
              ctx.log(
                `${node.name}: replayed only up to ${
                  row.replay_lsn
                } of ${waitForLsn} within ${
                  this.replayTimeoutMs / 1000
                } s; promoting anyway (emergency failover): the rest is lost`,
              );
              break;
            }
            throw new Error(
              `it replayed only up to ${
                row.replay_lsn
              } of ${waitForLsn} within ${
                this.replayTimeoutMs / 1000
              } s; it was not promoted`,
            );
          }
          await delay(POLL_MS, undefined, { signal: ctx.signal });
        }
      }
      // Replay stops at promotion: what it reached is where the new timeline forks.
      const {
        rows: [{ replayed }],
      } = await client.query<{ replayed: string }>(
        'SELECT pg_last_wal_replay_lsn()::text AS replayed',
      );
      await ctx.ensureLease();
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
      ctx.log(
        `${node.name}: promoted (pg_promote) after replaying up to ${replayed}`,
      );
      return { replayedLsn: replayed };
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
        await withNode(node, ctx, 'write to', async client => {
          // a default transaction, as the application's: read-only left over would fail it
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
}
