import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  ObservedRole,
  ReplicaState,
  ReplicationHistoryPoint,
  ReplicationStatus,
  ReplicationWindow,
  StandbyState,
  SubscriptionState,
} from '@meridian/plugin-regions-common';
import { ObservedNodeFacts } from '@meridian/plugin-regions-node';
import { Knex } from 'knex';
import { toDate } from './rows';

const migrationsDir = resolvePackagePath(
  '@meridian/plugin-regions-backend',
  'migrations',
);

const SAMPLES = 'region_replication_samples';
const STATE = 'region_replication_state';
const ROLLUPS = 'region_replication_rollups';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The width of a rollup bucket. */
export const ROLLUP_BUCKET_MS = 5 * MINUTE;

/** The most points a history answer holds. */
export const MAX_HISTORY_POINTS = 500;

export const WINDOW_MS: Record<ReplicationWindow, number> = {
  '1h': HOUR,
  '24h': DAY,
  '7d': 7 * DAY,
  '30d': 30 * DAY,
};

// Raw samples answer the hour (360 points at 10 s); from 24 h on, the 5-minute
// rollups (288 points a day) are as fine as a 500-point chart can show and far
// cheaper to read than a day of raw rows for every replica.
export const RAW_WINDOWS: ReadonlySet<ReplicationWindow> = new Set(['1h']);

/** How long samples are kept. */
export interface ReplicationRetention {
  /** Raw samples; must cover the longest raw window (1 h). Default 48 h. */
  rawMs: number;
  /** Rollups; must cover the longest window (30 d). Default 35 days. */
  rollupsMs: number;
}

/** The default retention: 48 hours of raw samples, 35 days of rollups. */
export const DEFAULT_REPLICATION_RETENTION: ReplicationRetention = {
  rawMs: 48 * HOUR,
  rollupsMs: 35 * DAY,
};

/** One raw row of a sample: a replica, or a standby's own view (replica ''). */
export interface ReplicationSampleRow {
  /** The replica's name; '' for a standby's own view. */
  replica: string;
  state: string | null;
  syncState?: string;
  lagBytes: number | null;
  lagSeconds: number | null;
}

/** The outcome of sampling one region once. */
export interface ReplicationSample {
  regionRef: string;
  sampledAt: Date;
  status: ReplicationStatus;
  reason: string;
  source?: string;
  database?: string;
  /** The worst lag of the sample, in bytes; null when unknown. */
  lagBytes: number | null;
  /** The worst lag of the sample, in seconds; null when unknown. */
  lagSeconds: number | null;
  /** The raw rows; empty when the sample failed. */
  rows: ReplicationSampleRow[];
  /** The replicas as shown to users, for a primary. */
  replicas: Omit<ReplicaState, 'sampledAt'>[];
  /** The region's own view, for a standby. */
  standby?: StandbyState;
  /** The node's logical subscriptions, their lag measured against their publishers. */
  subscriptions?: SubscriptionState[];
  /** What the node said of itself; absent when the sample failed. */
  node?: ObservedNodeFacts;
  /** What the node says it is (`unreachable` when the sample failed for want of an answer). */
  observedRole: ObservedRole;
}

/** What a node last said of itself, and when: kept through failed samples. */
export type LastObservedNode = ObservedNodeFacts & { sampledAt: string };

/** The latest outcome of a region as read back, staleness applied. */
export interface ReplicationState {
  regionRef: string;
  sampledAt: Date;
  status: ReplicationStatus;
  reason: string;
  source?: string;
  database?: string;
  lagBytes: number | null;
  lagSeconds: number | null;
  replicas: ReplicaState[];
  standby?: StandbyState;
  /** The node's logical subscriptions as last sampled; empty when it has none. */
  subscriptions?: SubscriptionState[];
  /** What the node last said of itself (possibly older than this state, when the latest sample failed). */
  node?: LastObservedNode;
  /** What the node says it is now; `unknown` once the latest sample is stale. */
  observedRole: ObservedRole;
}

/** How often a region's lag stayed within its RPO over a window. */
export interface RpoCompliance {
  /** Raw samples in the window. */
  samples: number;
  /** Those whose every replica's lag was within the RPO. */
  withinRpo: number;
  firstAt: Date | null;
  lastAt: Date | null;
}

type StateRow = {
  region_ref: string;
  sampled_at: Date | string | number;
  status: ReplicationStatus;
  reason: string;
  source: string | null;
  database: string | null;
  lag_bytes: string | number | null;
  lag_seconds: number | null;
  replicas: string;
  standby: string | null;
  subscriptions: string | null;
  node: string | null;
  observed_role: ObservedRole | null;
};

type SlotRow = {
  /** The index of the history bucket since the epoch. */
  slot: string | number;
  lag_bytes: string | number | null;
  lag_seconds: string | number | null;
};

/**
 * Stores replication samples through knex: raw rows for the short windows,
 * the latest outcome per region, and 5-minute rollups for the long windows.
 */
export class ReplicationStore {
  /**
   * Connects to the plugin's database and brings its schema up to date.
   * `staleAfterMs` is the age from which a stored sample no longer counts as
   * the current state (3 times the collector frequency).
   */
  static async create(options: {
    database: DatabaseService;
    staleAfterMs: number;
    retention?: ReplicationRetention;
  }): Promise<ReplicationStore> {
    const { database } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new ReplicationStore(
      client,
      options.staleAfterMs,
      options.retention ?? DEFAULT_REPLICATION_RETENTION,
    );
  }

  private constructor(
    private readonly db: Knex,
    private readonly staleAfterMs: number,
    private readonly retention: ReplicationRetention,
  ) {}

  /** Records one sample; see `writeSamples`. */
  async writeSample(sample: ReplicationSample): Promise<void> {
    await this.writeSamples([sample]);
  }

  /**
   * Records samples of distinct regions (a tick's) in one transaction, a few
   * statements for all of them: their raw rows, each region's latest outcome,
   * and the worst lag into each sample's rollup bucket.
   */
  async writeSamples(samples: ReplicationSample[]): Promise<void> {
    const refs = new Set<string>();
    for (const { regionRef } of samples) {
      if (refs.has(regionRef)) {
        throw new Error(
          `Two replication samples of ${regionRef} in one write: a region's samples are written one write each`,
        );
      }
      refs.add(regionRef);
    }
    if (samples.length === 0) {
      return;
    }
    await this.db.transaction(async tx => {
      const rows = samples.flatMap(sample =>
        sample.rows.map(row => ({
          region_ref: sample.regionRef,
          replica: row.replica,
          sampled_at: sample.sampledAt,
          state: row.state,
          sync_state: row.syncState ?? null,
          lag_bytes: row.lagBytes,
          lag_seconds: row.lagSeconds,
        })),
      );
      for (const chunk of chunksOf(rows)) {
        await tx(SAMPLES).insert(chunk);
      }
      for (const { merged, states } of statesByMergedColumns(samples)) {
        for (const chunk of chunksOf(states)) {
          await tx(STATE).insert(chunk).onConflict('region_ref').merge(merged);
        }
      }
      const rollups = samples
        .filter(
          sample => sample.lagBytes !== null || sample.lagSeconds !== null,
        )
        .map(sample => ({
          region_ref: sample.regionRef,
          bucket: new Date(
            Math.floor(sample.sampledAt.getTime() / ROLLUP_BUCKET_MS) *
              ROLLUP_BUCKET_MS,
          ),
          max_lag_bytes: sample.lagBytes,
          max_lag_seconds: sample.lagSeconds,
        }));
      for (const chunk of chunksOf(rollups)) {
        await tx(ROLLUPS)
          .insert(chunk)
          .onConflict(['region_ref', 'bucket'])
          .merge({
            max_lag_bytes: this.greatest('max_lag_bytes'),
            max_lag_seconds: this.greatest('max_lag_seconds'),
          });
      }
    });
  }

  /** The latest outcome of one region; undefined before its first sample. */
  async getLatestState(
    regionRef: string,
    now = new Date(),
  ): Promise<ReplicationState | undefined> {
    const row = await this.db<StateRow>(STATE)
      .where({ region_ref: regionRef })
      .first();
    return row ? this.toState(row, now) : undefined;
  }

  /** The latest outcome of every sampled region, by ref. */
  async getLatestStates(
    now = new Date(),
  ): Promise<Map<string, ReplicationState>> {
    const rows = await this.db<StateRow>(STATE);
    return new Map(
      rows.map(row => [row.region_ref, this.toState(row, now)] as const),
    );
  }

  /**
   * The worst lag over a window ending now, oldest first, in at most 500
   * points: the maximum of each bucket of equal width. The short windows read
   * the raw samples, the long ones the rollups.
   */
  async getHistory(
    regionRef: string,
    window: ReplicationWindow,
    now = new Date(),
  ): Promise<ReplicationHistoryPoint[]> {
    const windowMs = WINDOW_MS[window];
    const start = now.getTime() - windowMs;
    const fromRaw = RAW_WINDOWS.has(window);
    const granularity = fromRaw ? SECOND : ROLLUP_BUCKET_MS;
    // One bucket less than the limit, as the window rarely starts on a
    // bucket boundary and so touches one more bucket than it spans.
    const width =
      Math.ceil(windowMs / (MAX_HISTORY_POINTS - 1) / granularity) *
      granularity;

    const table = fromRaw ? SAMPLES : ROLLUPS;
    const timeColumn = fromRaw ? 'sampled_at' : 'bucket';
    const bytesColumn = fromRaw ? 'lag_bytes' : 'max_lag_bytes';
    const secondsColumn = fromRaw ? 'lag_seconds' : 'max_lag_seconds';
    const from = fromRaw
      ? start
      : Math.floor(start / ROLLUP_BUCKET_MS) * ROLLUP_BUCKET_MS;

    const rows: SlotRow[] = await this.db(table)
      .select({
        slot: this.slotOf(timeColumn, width),
        lag_bytes: this.db.raw('max(??)', [bytesColumn]),
        lag_seconds: this.db.raw('max(??)', [secondsColumn]),
      })
      .where('region_ref', regionRef)
      .andWhere(timeColumn, '>=', new Date(from))
      .andWhere(timeColumn, '<=', now)
      .groupBy('slot')
      .orderBy('slot');

    return rows.map(row => ({
      t: new Date(Math.max(Number(row.slot) * width, start)).toISOString(),
      lagBytes: toNumber(row.lag_bytes),
      lagSeconds: toNumber(row.lag_seconds),
    }));
  }

  /**
   * How many raw samples of a region since `since` had every replica's lag
   * within `rpoSeconds` (a sample with a replica of unknown lag does not),
   * and the first and last of them. Samples a source failed to take hold no
   * rows and are not counted.
   */
  async getRpoCompliance(
    regionRef: string,
    rpoSeconds: number,
    since: Date,
    now = new Date(),
  ): Promise<RpoCompliance> {
    const perSample = this.db(SAMPLES)
      .select('sampled_at')
      .max({ worst: 'lag_seconds' })
      .select(this.db.raw('count(*) - count(lag_seconds) as unknown_rows'))
      .where('region_ref', regionRef)
      .andWhere('sampled_at', '>=', since)
      .andWhere('sampled_at', '<=', now)
      .groupBy('sampled_at')
      .as('per_sample');
    const row = await this.db
      .from(perSample)
      .select({
        samples: this.db.raw('count(*)'),
        within: this.db.raw(
          'coalesce(sum(case when unknown_rows = 0 and worst <= ? then 1 else 0 end), 0)',
          [rpoSeconds],
        ),
        first: this.db.raw('min(sampled_at)'),
        last: this.db.raw('max(sampled_at)'),
      })
      .first();
    return {
      samples: Number(row?.samples ?? 0),
      withinRpo: Number(row?.within ?? 0),
      firstAt: row?.first ? toDate(row.first) : null,
      lastAt: row?.last ? toDate(row.last) : null,
    };
  }

  /** Deletes raw samples and rollups older than their retention. */
  async prune(now = new Date()): Promise<void> {
    await this.db(SAMPLES)
      .where('sampled_at', '<', new Date(now.getTime() - this.retention.rawMs))
      .delete();
    await this.db(ROLLUPS)
      .where('bucket', '<', new Date(now.getTime() - this.retention.rollupsMs))
      .delete();
  }

  private toState(row: StateRow, now: Date): ReplicationState {
    const sampledAt = toDate(row.sampled_at);
    const replicas: Omit<ReplicaState, 'sampledAt'>[] = JSON.parse(
      row.replicas,
    );
    const stale = now.getTime() - sampledAt.getTime() > this.staleAfterMs;
    return {
      regionRef: row.region_ref,
      sampledAt,
      status: stale ? 'unknown' : row.status,
      reason: stale
        ? `no fresh sample since ${sampledAt.toISOString()}`
        : row.reason,
      source: row.source ?? undefined,
      database: row.database ?? undefined,
      lagBytes: toNumber(row.lag_bytes),
      lagSeconds: toNumber(row.lag_seconds),
      replicas: replicas.map(replica => ({
        ...replica,
        sampledAt: sampledAt.toISOString(),
      })),
      standby: row.standby ? JSON.parse(row.standby) : undefined,
      subscriptions: row.subscriptions ? JSON.parse(row.subscriptions) : [],
      node: row.node ? JSON.parse(row.node) : undefined,
      observedRole: stale ? 'unknown' : row.observed_role ?? 'unknown',
    };
  }

  private get isPostgres() {
    return this.db.client.config.client === 'pg';
  }

  // PostgreSQL stores timestamps; SQLite epoch milliseconds (as knex writes
  // a Date there). Either way the slot is the number of whole widths since
  // the epoch.
  private slotOf(column: string, widthMs: number): Knex.Raw {
    return this.isPostgres
      ? this.db.raw('floor(extract(epoch from ??) * 1000 / ?)::bigint', [
          column,
          widthMs,
        ])
      : this.db.raw('cast(?? / ? as integer)', [column, widthMs]);
  }

  // The larger of the stored and the incoming value, either of them null.
  private greatest(column: string): Knex.Raw {
    return this.isPostgres
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

// Rows per insert: well under SQLite's and PostgreSQL's bound-variable limits.
const CHUNK = 500;

function chunksOf<T>(rows: T[]): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    chunks.push(rows.slice(i, i + CHUNK));
  }
  return chunks;
}

/**
 * The state rows of samples, grouped by the columns an upsert replaces. A
 * failed sample keeps what the node last said of itself, and which node it
 * was: an emergency failover of a lost primary compares the target with it,
 * the promotion detector names it.
 */
function statesByMergedColumns(samples: ReplicationSample[]) {
  const groups = new Map<
    string,
    { merged: string[]; states: Record<string, unknown>[] }
  >();
  for (const sample of samples) {
    const node: LastObservedNode | undefined = sample.node && {
      ...sample.node,
      sampledAt: sample.sampledAt.toISOString(),
    };
    const state = {
      region_ref: sample.regionRef,
      sampled_at: sample.sampledAt,
      status: sample.status,
      reason: sample.reason,
      source: sample.source ?? null,
      database: sample.database ?? null,
      lag_bytes: sample.lagBytes,
      lag_seconds: sample.lagSeconds,
      replicas: JSON.stringify(sample.replicas),
      standby: sample.standby ? JSON.stringify(sample.standby) : null,
      subscriptions: JSON.stringify(sample.subscriptions ?? []),
      observed_role: sample.observedRole,
      node: node ? JSON.stringify(node) : null,
    };
    const kept = [
      ...(node ? [] : ['node']),
      ...(sample.database ? [] : ['database']),
    ];
    const merged = Object.keys(state).filter(
      column => column !== 'region_ref' && !kept.includes(column),
    );
    const key = merged.join();
    const group = groups.get(key) ?? { merged, states: [] };
    group.states.push(state);
    groups.set(key, group);
  }
  return [...groups.values()];
}

// pg returns bigint and aggregates of it as strings; lags fit a JS number.
function toNumber(value: string | number | null): number | null {
  return value === null ? null : Number(value);
}
