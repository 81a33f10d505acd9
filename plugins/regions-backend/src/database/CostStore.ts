import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  COST_BUCKETS,
  CostBreakdown,
  CostBucket,
} from '@meridian/plugin-regions-common';
import { CostObservation } from '@meridian/plugin-regions-node';
import { Knex } from 'knex';
import { TimestampValue, toDate } from './rows';

const migrationsDir = resolvePackagePath(
  '@meridian/plugin-regions-backend',
  'migrations',
);

const DAYS = 'region_cost_days';
const STATE = 'region_cost_state';

// Rows per insert statement, well under SQLite's bound-variable limit.
const INSERT_CHUNK = 200;

const BUCKET_COLUMNS: Record<CostBucket, string> = {
  cpu: 'cpu_cost',
  gpu: 'gpu_cost',
  ram: 'ram_cost',
  storage: 'storage_cost',
  network: 'network_cost',
  loadBalancer: 'load_balancer_cost',
  shared: 'shared_cost',
  external: 'external_cost',
  idle: 'idle_cost',
};

const USAGE_COLUMNS = {
  cpuCoreUsageMinutes: 'cpu_core_usage_minutes',
  cpuCoreRequestMinutes: 'cpu_core_request_minutes',
  ramByteUsageMinutes: 'ram_byte_usage_minutes',
  ramByteRequestMinutes: 'ram_byte_request_minutes',
} as const;

/** One day of a region, its clusters summed. */
export interface StoredCostDay {
  /** UTC day, `YYYY-MM-DD`. */
  date: string;
  total: number;
  breakdown: CostBreakdown;
  cpuCoreUsageMinutes: number;
  cpuCoreRequestMinutes: number;
  ramByteUsageMinutes: number;
  ramByteRequestMinutes: number;
}

/** The outcome of a region's latest cost read. */
export interface CostReadState {
  regionRef: string;
  source?: string;
  clusters: string[];
  /** The latest successful read. */
  collectedAt?: Date;
  /** The latest read, when it failed. */
  failedAt?: Date;
  error?: string;
  idleEstimated: boolean;
}

type StateRow = {
  region_ref: string;
  source: string | null;
  clusters: string;
  collected_at: Date | string | number | null;
  failed_at: Date | string | number | null;
  error: string | null;
  idle_estimated: boolean | number;
};

/** Stores the daily costs of regions through knex. */
export class CostStore {
  /** Connects to the plugin's database and brings its schema up to date. */
  static async create(options: {
    database: DatabaseService;
  }): Promise<CostStore> {
    const { database } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new CostStore(client);
  }

  private constructor(private readonly db: Knex) {}

  /**
   * Replaces the region's days from `from` to `to` (UTC days, inclusive)
   * with what a source read, and records the read as successful. Days of
   * clusters no longer part of the region are dropped with them.
   */
  async writeObservation(options: {
    regionRef: string;
    source: string;
    from: string;
    to: string;
    observation: CostObservation;
    collectedAt: Date;
  }): Promise<void> {
    const { regionRef, source, from, to, observation, collectedAt } = options;
    const rows = observation.days.map(day => ({
      region_ref: regionRef,
      cluster: day.cluster,
      day: day.date,
      ...Object.fromEntries(
        COST_BUCKETS.map(bucket => [
          BUCKET_COLUMNS[bucket],
          day.breakdown[bucket],
        ]),
      ),
      total_cost: day.total,
      cpu_core_usage_minutes: day.cpuCoreUsageMinutes,
      cpu_core_request_minutes: day.cpuCoreRequestMinutes,
      ram_byte_usage_minutes: day.ramByteUsageMinutes,
      ram_byte_request_minutes: day.ramByteRequestMinutes,
      collected_at: collectedAt,
    }));
    await this.db.transaction(async tx => {
      await tx(DAYS)
        .where('region_ref', regionRef)
        .andWhere('day', '>=', from)
        .andWhere('day', '<=', to)
        .delete();
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await tx(DAYS).insert(rows.slice(i, i + INSERT_CHUNK));
      }
      await tx(STATE)
        .insert({
          region_ref: regionRef,
          source,
          clusters: JSON.stringify(observation.clusters),
          collected_at: collectedAt,
          failed_at: null,
          error: null,
          idle_estimated: observation.idleEstimated,
        })
        .onConflict('region_ref')
        .merge();
    });
  }

  /** Records a failed read; the days read before stay as they are. */
  async writeFailure(options: {
    regionRef: string;
    source: string;
    error: string;
    failedAt: Date;
  }): Promise<void> {
    const { regionRef, source, error, failedAt } = options;
    await this.db(STATE)
      .insert({
        region_ref: regionRef,
        source,
        clusters: '[]',
        collected_at: null,
        failed_at: failedAt,
        error,
        idle_estimated: false,
      })
      .onConflict('region_ref')
      .merge(['source', 'failed_at', 'error']);
  }

  /** The latest day stored for the region, `YYYY-MM-DD`. */
  async latestDay(regionRef: string): Promise<string | undefined> {
    const row = await this.db(DAYS)
      .where('region_ref', regionRef)
      .max({ day: 'day' })
      .first();
    return row?.day ?? undefined;
  }

  /** The region's days from `from` to `to` (inclusive), clusters summed, oldest first. */
  async getDays(
    regionRef: string,
    from: string,
    to: string,
  ): Promise<StoredCostDay[]> {
    const rows = await this.db(DAYS)
      .select('day', ...this.sums())
      .where('region_ref', regionRef)
      .andWhere('day', '>=', from)
      .andWhere('day', '<=', to)
      .groupBy('day')
      .orderBy('day');
    return rows.map(row => ({ date: row.day, ...toSums(row) }));
  }

  /**
   * The total of each region from `from` to `to` (inclusive), by ref: of
   * `regionRefs` when given, else of every region.
   */
  async getTotals(
    from: string,
    to: string,
    regionRefs?: string[],
  ): Promise<Map<string, number>> {
    const query = this.db(DAYS)
      .select('region_ref')
      .sum({ total: 'total_cost' })
      .where('day', '>=', from)
      .andWhere('day', '<=', to)
      .groupBy('region_ref');
    if (regionRefs) {
      query.whereIn('region_ref', regionRefs);
    }
    const rows = (await query) as unknown as {
      region_ref: string;
      total: string | number;
    }[];
    return new Map(rows.map(row => [row.region_ref, Number(row.total)]));
  }

  async getState(regionRef: string): Promise<CostReadState | undefined> {
    const row = await this.db<StateRow>(STATE)
      .where('region_ref', regionRef)
      .first();
    return row && toState(row);
  }

  async getStates(): Promise<Map<string, CostReadState>> {
    const rows = await this.db<StateRow>(STATE);
    return new Map(rows.map(row => [row.region_ref, toState(row)] as const));
  }

  /** Deletes days before `before` (`YYYY-MM-DD`). */
  async prune(before: string): Promise<void> {
    await this.db(DAYS).where('day', '<', before).delete();
  }

  private sums() {
    return [
      ...Object.values(BUCKET_COLUMNS),
      'total_cost',
      ...Object.values(USAGE_COLUMNS),
    ].map(column => this.db.raw('sum(??) as ??', [column, column]));
  }
}

function toSums(row: Record<string, unknown>): Omit<StoredCostDay, 'date'> {
  return {
    total: Number(row.total_cost),
    breakdown: Object.fromEntries(
      COST_BUCKETS.map(bucket => [bucket, Number(row[BUCKET_COLUMNS[bucket]])]),
    ) as CostBreakdown,
    cpuCoreUsageMinutes: Number(row[USAGE_COLUMNS.cpuCoreUsageMinutes]),
    cpuCoreRequestMinutes: Number(row[USAGE_COLUMNS.cpuCoreRequestMinutes]),
    ramByteUsageMinutes: Number(row[USAGE_COLUMNS.ramByteUsageMinutes]),
    ramByteRequestMinutes: Number(row[USAGE_COLUMNS.ramByteRequestMinutes]),
  };
}

function toOptionalDate(value: TimestampValue | null): Date | undefined {
  return value === null ? undefined : toDate(value);
}

function toState(row: StateRow): CostReadState {
  return {
    regionRef: row.region_ref,
    source: row.source ?? undefined,
    clusters: JSON.parse(row.clusters),
    collectedAt: toOptionalDate(row.collected_at),
    failedAt: toOptionalDate(row.failed_at),
    error: row.error ?? undefined,
    idleEstimated: Boolean(row.idle_estimated),
  };
}
