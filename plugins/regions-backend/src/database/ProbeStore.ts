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
import { RAW_WINDOWS, WINDOW_MS } from './ReplicationStore';
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

/**
 * The most points of one probe's series: a region has several probes on one
 * chart, and 200 points a line are as fine as a card shows.
 */
export const MAX_SERIES_POINTS = 200;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** How long checks are kept. */
export interface ProbeRetention {
  /** Raw checks; must cover the raw window (1 h). */
  rawMs: number;
  /** 5-minute rollups; must cover the 24 h window. */
  fiveMinuteMs: number;
  /** Hourly rollups; must cover the 30 d window. */
  hourlyMs: number;
}

/**
 * 2 hours of raw checks (1,000 probes every 5 s are 1.4 million rows), 2 days
 * of 5-minute rollups and 35 days of hourly ones.
 */
export const DEFAULT_PROBE_RETENTION: ProbeRetention = {
  rawMs: 2 * HOUR,
  fiveMinuteMs: 2 * DAY,
  hourlyMs: 35 * DAY,
};

// The 24 h window reads 5-minute buckets; 7 d and 30 d hourly ones, as a
// 200-point line of 7 days shows 50 min a point anyway (168 hourly points),
// and a twelfth of the rows keeps the answer fast with many probes.
const FIVE_MINUTES = 5 * 60_000;
const ROLLUP_WIDTH_MS: Record<Exclude<ReplicationWindow, '1h'>, number> = {
  '24h': FIVE_MINUTES,
  '7d': HOUR,
  '30d': HOUR,
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
 * latency, 5-minute and hourly rollups for the long windows, and the state of
 * each probe.
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
   * rollup buckets, and the probes' new states.
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
      }
      const rollups = rollupsOf(checks);
      for (let i = 0; i < rollups.length; i += CHUNK) {
        await tx(ROLLUPS)
          .insert(rollups.slice(i, i + CHUNK))
          .onConflict(['probe', 'width_ms', 'bucket'])
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
   * 200 points per probe. The hour reads the raw checks, 24 h and 7 d the
   * 5-minute rollups, 30 d the hourly ones.
   */
  async getSeries(
    probes: string[],
    window: ReplicationWindow,
    now = new Date(),
  ): Promise<Map<string, HealthSeriesPoint[]>> {
    const windowMs = WINDOW_MS[window];
    const start = now.getTime() - windowMs;
    const fromRaw = RAW_WINDOWS.has(window);
    const rollupWidth = fromRaw ? 0 : ROLLUP_WIDTH_MS[window as '30d'];
    const granularity = fromRaw ? 1000 : rollupWidth;
    // one bucket less than the limit: the window touches one more than it spans
    const width =
      Math.ceil(windowMs / (MAX_SERIES_POINTS - 1) / granularity) * granularity;
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
          .where('width_ms', rollupWidth)
          .andWhere(
            'bucket',
            '>=',
            new Date(Math.floor(start / rollupWidth) * rollupWidth),
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
    const before = (ms: number) => new Date(now.getTime() - ms);
    await this.db(CHECKS)
      .where('checked_at', '<', before(this.retention.rawMs))
      .delete();
    await this.db(ROLLUPS)
      .where({ width_ms: FIVE_MINUTES })
      .andWhere('bucket', '<', before(this.retention.fiveMinuteMs))
      .delete();
    await this.db(ROLLUPS)
      .where({ width_ms: HOUR })
      .andWhere('bucket', '<', before(this.retention.hourlyMs))
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

/** The checks summed per probe and bucket of each width: one row per key. */
function rollupsOf(checks: ProbeCheck[]) {
  const rows = new Map<
    string,
    {
      probe: string;
      width_ms: number;
      bucket: Date;
      checks: number;
      failures: number;
      latency_sum_ms: number;
      max_latency_ms: number | null;
    }
  >();
  for (const check of checks) {
    for (const widthMs of [FIVE_MINUTES, HOUR]) {
      const start = Math.floor(check.checkedAt.getTime() / widthMs) * widthMs;
      const key = `${check.probe}\n${widthMs}\n${start}`;
      const row = rows.get(key) ?? {
        probe: check.probe,
        width_ms: widthMs,
        bucket: new Date(start),
        checks: 0,
        failures: 0,
        latency_sum_ms: 0,
        max_latency_ms: null,
      };
      row.checks += 1;
      row.failures += check.ok ? 0 : 1;
      row.latency_sum_ms += check.latencyMs ?? 0;
      if (check.latencyMs !== null) {
        row.max_latency_ms = Math.max(row.max_latency_ms ?? 0, check.latencyMs);
      }
      rows.set(key, row);
    }
  }
  return [...rows.values()];
}

function roundedOrNull(value: string | number | null): number | null {
  return value === null ? null : Math.round(Number(value) * 10) / 10;
}
