import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ReadinessCategory } from '@meridian/plugin-regions-common';
import { Knex } from 'knex';
import { toDate } from './rows';

const migrationsDir = resolvePackagePath(
  '@meridian/plugin-regions-backend',
  'migrations',
);

const STATE = 'region_readiness_state';
const HISTORY = 'region_readiness_history';

const DAY = 24 * 60 * 60 * 1000;

/** The most points a trend answer holds. */
export const MAX_TREND_POINTS = 500;

/** How far back the trend reaches. */
export const TREND_WINDOW_MS = 30 * DAY;

/** How long scores are kept by default: longer than the trend reaches. */
export const DEFAULT_READINESS_HISTORY_RETENTION_MS = 90 * DAY;

// Rows per statement: well under SQLite's limit of bound parameters.
const WRITE_BATCH = 200;

/** One region's scorecard as one evaluation computed it. */
export interface ReadinessEvaluation {
  regionRef: string;
  evaluatedAt: Date;
  /** 0–100. */
  score: number;
  categories: ReadinessCategory[];
}

type StateRow = {
  region_ref: string;
  evaluated_at: Date | string | number;
  score: number | string;
  categories: string;
};

type SlotRow = {
  slot: string | number;
  score: string | number;
};

/**
 * Stores readiness evaluations through knex: the latest scorecard per region
 * and every score, for the trend.
 */
export class ReadinessStore {
  /** Connects to the plugin's database and brings its schema up to date. */
  static async create(options: {
    database: DatabaseService;
    historyRetentionMs?: number;
  }): Promise<ReadinessStore> {
    const { database } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new ReadinessStore(
      client,
      options.historyRetentionMs ?? DEFAULT_READINESS_HISTORY_RETENTION_MS,
    );
  }

  private constructor(
    private readonly db: Knex,
    private readonly historyRetentionMs: number,
  ) {}

  /**
   * Records evaluations: replaces each region's scorecard and appends its
   * score, in one transaction of a few statements however many regions a run
   * scores, so that a run over thousands of regions does not queue thousands
   * of transactions ahead of the plugin's other queries.
   */
  async write(evaluations: ReadinessEvaluation[]): Promise<void> {
    await this.db.transaction(async tx => {
      for (let i = 0; i < evaluations.length; i += WRITE_BATCH) {
        const batch = evaluations.slice(i, i + WRITE_BATCH);
        await tx(STATE)
          .insert(
            batch.map(({ regionRef, evaluatedAt, score, categories }) => ({
              region_ref: regionRef,
              evaluated_at: evaluatedAt,
              score,
              categories: JSON.stringify(categories),
            })),
          )
          .onConflict('region_ref')
          .merge();
        await tx(HISTORY).insert(
          batch.map(({ regionRef, evaluatedAt, score }) => ({
            region_ref: regionRef,
            evaluated_at: evaluatedAt,
            score,
          })),
        );
      }
    });
  }

  /** The latest evaluation of one region; undefined before its first. */
  async getLatest(regionRef: string): Promise<ReadinessEvaluation | undefined> {
    const row = await this.db<StateRow>(STATE)
      .where({ region_ref: regionRef })
      .first();
    return row ? toEvaluation(row) : undefined;
  }

  /** The latest score of every evaluated region, by ref. */
  async getLatestScores(): Promise<
    Map<string, { score: number; evaluatedAt: Date }>
  > {
    const rows = await this.db<StateRow>(STATE).select(
      'region_ref',
      'score',
      'evaluated_at',
    );
    return new Map(
      rows.map(row => [
        row.region_ref,
        { score: Number(row.score), evaluatedAt: toDate(row.evaluated_at) },
      ]),
    );
  }

  /**
   * The score over the last 30 days, oldest first, in at most 500 points:
   * the lowest score of each bucket of equal width, so a dip stays visible.
   */
  async getTrend(
    regionRef: string,
    now = new Date(),
  ): Promise<{ t: string; score: number }[]> {
    const start = now.getTime() - TREND_WINDOW_MS;
    // One bucket less than the limit: the window rarely starts on a boundary.
    const width = Math.ceil(TREND_WINDOW_MS / (MAX_TREND_POINTS - 1));
    const rows: SlotRow[] = await this.db(HISTORY)
      .select({
        slot: this.slotOf('evaluated_at', width),
        score: this.db.raw('min(score)'),
      })
      .where('region_ref', regionRef)
      .andWhere('evaluated_at', '>=', new Date(start))
      .andWhere('evaluated_at', '<=', now)
      .groupBy('slot')
      .orderBy('slot');
    return rows.map(row => ({
      t: new Date(Math.max(Number(row.slot) * width, start)).toISOString(),
      score: Number(row.score),
    }));
  }

  /**
   * Forgets the scorecards of regions no longer in the catalog and scores
   * older than the retention.
   */
  async prune(keepRegionRefs: string[], now = new Date()): Promise<void> {
    await this.db(STATE).whereNotIn('region_ref', keepRegionRefs).delete();
    await this.db(HISTORY)
      .where(
        'evaluated_at',
        '<',
        new Date(now.getTime() - this.historyRetentionMs),
      )
      .delete();
  }

  // PostgreSQL stores timestamps; SQLite epoch milliseconds (as knex writes
  // a Date there). Either way the slot is the number of whole widths since
  // the epoch.
  private slotOf(column: string, widthMs: number): Knex.Raw {
    return this.db.client.config.client === 'pg'
      ? this.db.raw('floor(extract(epoch from ??) * 1000 / ?)::bigint', [
          column,
          widthMs,
        ])
      : this.db.raw('cast(?? / ? as integer)', [column, widthMs]);
  }
}

function toEvaluation(row: StateRow): ReadinessEvaluation {
  return {
    regionRef: row.region_ref,
    evaluatedAt: toDate(row.evaluated_at),
    score: Number(row.score),
    categories: JSON.parse(row.categories),
  };
}
