import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  HealthSeriesPoint,
  HealthStatus,
  ReplicationWindow,
} from '@meridian/plugin-regions-common';
import { Knex } from 'knex';
import {
  MAX_HISTORY_POINTS,
  RAW_WINDOWS,
  ROLLUP_BUCKET_MS,
  WINDOW_MS,
} from './ReplicationStore';
import { historySlot, TimestampValue, toDate } from './rows';

const migrationsDir = resolvePackagePath(
  '@meridian/plugin-regions-backend',
  'migrations',
);

const CHECKS = 'region_probe_checks';
const ROLLUPS = 'region_probe_rollups';
const STATE = 'region_probe_state';

// Rows per insert: well under SQLite's bound-variable limit.
const CHUNK = 500;

/** How long checks are kept. */
export interface ProbeRetention {
  /** Raw checks; must cover the raw window (1 h). */
  rawMs: number;
  /** Rollups; must cover the longest window (30 d). */
  rollupsMs: number;
}

/**
 * 2 hours of raw checks (1,000 probes every 5 s are 1.4 million rows) and 35
 * days of rollups.
 */
export const DEFAULT_PROBE_RETENTION: ProbeRetention = {
  rawMs: 2 * 3_600_000,
  rollupsMs: 35 * 86_400_000,
};

/** One check of one probe. */
export interface ProbeCheck {
  probe: string;
  checkedAt: Date;
  ok: boolean;
  /** Time to the answer; null when the check failed. */
  latencyMs: number | null;
  /** Why it failed; null when ok. */
  error: string | null;
}

/** A probe's state after its latest check. */
export interface ProbeState {
  probe: string;
  /** As of the latest check; `unknown` is for reading, never stored. */
  status: Exclude<HealthStatus, 'unknown'>;
  consecutiveFailures: number;
  latencyMs: number | null;
  lastError: string | null;
  checkedAt: Date;
  since: Date;
}

/** A probe's mean latency over recent successful checks. */
export interface RecentLatency {
  meanMs: number;
  /** The latest of those checks. */
  at: Date;
}

type StateRow = {
  probe: string;
  status: ProbeState['status'];
  consecutive_failures: number;
  latency_ms: number | null;
  last_error: string | null;
  checked_at: TimestampValue;
  since: TimestampValue;
};

/**
 * Stores probe checks through knex: raw rows for the hour window and recent
 * latency, 5-minute rollups for the long windows (like replication samples),
 * and the state of each probe.
 */
export class ProbeStore {
  static async create(options: {
    database: DatabaseService;
    retention?: ProbeRetention;
  }): Promise<ProbeStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new ProbeStore(client, options.retention ?? DEFAULT_PROBE_RETENTION);
  }

  private constructor(
    private readonly db: Knex,
    private readonly retention: ProbeRetention,
  ) {}

  /**
   * Records a round in one transaction: the raw checks, each check into its
   * rollup bucket, and the probes' new states. At most one check per probe.
   */
  async writeRound(checks: ProbeCheck[], states: ProbeState[]): Promise<void> {
    await this.db.transaction(async tx => {
      for (let i = 0; i < checks.length; i += CHUNK) {
        const chunk = checks.slice(i, i + CHUNK);
        await tx(CHECKS).insert(
          chunk.map(check => ({
            probe: check.probe,
            checked_at: check.checkedAt,
            ok: check.ok,
            latency_ms: check.latencyMs,
          })),
        );
        await tx(ROLLUPS)
          .insert(
            chunk.map(check => ({
              probe: check.probe,
              bucket: new Date(
                Math.floor(check.checkedAt.getTime() / ROLLUP_BUCKET_MS) *
                  ROLLUP_BUCKET_MS,
              ),
              checks: 1,
              failures: check.ok ? 0 : 1,
              latency_sum_ms: check.latencyMs ?? 0,
              max_latency_ms: check.latencyMs,
            })),
          )
          .onConflict(['probe', 'bucket'])
          .merge({
            checks: this.sum('checks'),
            failures: this.sum('failures'),
            latency_sum_ms: this.sum('latency_sum_ms'),
            max_latency_ms: this.greatest('max_latency_ms'),
          });
      }
      for (let i = 0; i < states.length; i += CHUNK) {
        await tx(STATE)
          .insert(
            states.slice(i, i + CHUNK).map(state => ({
              probe: state.probe,
              status: state.status,
              consecutive_failures: state.consecutiveFailures,
              latency_ms: state.latencyMs,
              last_error: state.lastError,
              checked_at: state.checkedAt,
              since: state.since,
            })),
          )
          .onConflict('probe')
          .merge();
      }
    });
  }

  /** The state of every probe that has been checked, by name. */
  async getStates(probes?: string[]): Promise<Map<string, ProbeState>> {
    const query = this.db<StateRow>(STATE);
    if (probes) {
      query.whereIn('probe', probes);
    }
    const rows = await query;
    return new Map(
      rows.map(row => [
        row.probe,
        {
          probe: row.probe,
          status: row.status,
          consecutiveFailures: Number(row.consecutive_failures),
          latencyMs: row.latency_ms === null ? null : Number(row.latency_ms),
          lastError: row.last_error,
          checkedAt: toDate(row.checked_at),
          since: toDate(row.since),
        },
      ]),
    );
  }

  /**
   * Each probe's checks over a window ending now, oldest first, in at most
   * 500 points per probe. The hour reads the raw checks, the longer windows
   * the rollups.
   */
  async getSeries(
    probes: string[],
    window: ReplicationWindow,
    now = new Date(),
  ): Promise<Map<string, HealthSeriesPoint[]>> {
    const windowMs = WINDOW_MS[window];
    const start = now.getTime() - windowMs;
    const fromRaw = RAW_WINDOWS.has(window);
    const granularity = fromRaw ? 1000 : ROLLUP_BUCKET_MS;
    // one bucket less than the limit: the window touches one more than it spans
    const width =
      Math.ceil(windowMs / (MAX_HISTORY_POINTS - 1) / granularity) *
      granularity;
    const raw = this.db.raw.bind(this.db);
    const query = fromRaw
      ? this.db(CHECKS)
          .select({
            probe: 'probe',
            slot: historySlot(this.db, 'checked_at', width),
            checks: raw('count(*)'),
            failures: raw('sum(case when ok then 0 else 1 end)'),
            mean: raw('avg(latency_ms)'),
            max: raw('max(latency_ms)'),
          })
          .where('checked_at', '>=', new Date(start))
          .andWhere('checked_at', '<=', now)
      : this.db(ROLLUPS)
          .select({
            probe: 'probe',
            slot: historySlot(this.db, 'bucket', width),
            checks: raw('sum(checks)'),
            failures: raw('sum(failures)'),
            mean: raw(
              'sum(latency_sum_ms) / nullif(sum(checks) - sum(failures), 0)',
            ),
            max: raw('max(max_latency_ms)'),
          })
          .where(
            'bucket',
            '>=',
            new Date(Math.floor(start / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS),
          )
          .andWhere('bucket', '<=', now);
    const rows = await query
      .whereIn('probe', probes)
      .groupBy('probe', 'slot')
      .orderBy(['probe', 'slot']);
    const series = new Map<string, HealthSeriesPoint[]>(
      probes.map(probe => [probe, []]),
    );
    for (const row of rows) {
      series.get(row.probe)?.push({
        t: new Date(Math.max(Number(row.slot) * width, start)).toISOString(),
        latencyMs: roundedOrNull(row.mean),
        maxLatencyMs: roundedOrNull(row.max),
        checks: Number(row.checks),
        failures: Number(row.failures),
      });
    }
    return series;
  }

  /** Each probe's mean latency over its successful checks since `since`. */
  async getRecentLatency(
    probes: string[],
    since: Date,
  ): Promise<Map<string, RecentLatency>> {
    const rows: { probe: string; mean: number | string; at: TimestampValue }[] =
      await this.db(CHECKS)
        .select({
          probe: 'probe',
          mean: this.db.raw('avg(latency_ms)'),
          at: this.db.raw('max(checked_at)'),
        })
        .whereIn('probe', probes)
        .andWhere('ok', true)
        .andWhere('checked_at', '>=', since)
        .groupBy('probe');
    return new Map(
      rows.map(row => [
        row.probe,
        { meanMs: Number(row.mean), at: toDate(row.at) },
      ]),
    );
  }

  /** Deletes raw checks and rollups older than their retention. */
  async prune(now = new Date()): Promise<void> {
    await this.db(CHECKS)
      .where('checked_at', '<', new Date(now.getTime() - this.retention.rawMs))
      .delete();
    await this.db(ROLLUPS)
      .where('bucket', '<', new Date(now.getTime() - this.retention.rollupsMs))
      .delete();
  }

  private sum(column: string): Knex.Raw {
    return this.db.raw('?? + excluded.??', [`${ROLLUPS}.${column}`, column]);
  }

  // The larger of the stored and the incoming value, either of them null.
  private greatest(column: string): Knex.Raw {
    return this.db.client.config.client === 'pg'
      ? this.db.raw('greatest(??, excluded.??)', [
          `${ROLLUPS}.${column}`,
          column,
        ])
      : this.db.raw('coalesce(max(??, excluded.??), ??, excluded.??)', [
          column,
          column,
          column,
          column,
        ]);
  }
}

function roundedOrNull(value: string | number | null): number | null {
  return value === null ? null : Math.round(Number(value) * 10) / 10;
}
