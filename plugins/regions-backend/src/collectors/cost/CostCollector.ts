import {
  LoggerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { toError } from '@backstage/errors';
import { RegionEntity } from '@meridian/plugin-regions-common';
import { CostSource } from '@meridian/plugin-regions-node';
import { CostStore } from '../../database/CostStore';
import { DatabaseRegionsStore } from '../../database/DatabaseRegionsStore';
import { readGlobalSchedule } from '../../lib/globalSchedule';
import { addDays, startOfUtcDay, utcDay } from './days';

/** The scheduler task id of the cost collector. */
export const COST_COLLECTOR_TASK_ID = 'regions-cost-collector';

const CONFIG_KEY = 'regions.collectors.cost';

const DEFAULT_SCHEDULE = {
  frequency: { hours: 1 },
  timeout: { minutes: 15 },
  initialDelay: { seconds: 30 },
};

/** How far back the collector reads a region it has no days of. */
export const DEFAULT_BACKFILL_DAYS = 180;
/** How many of the latest stored days each run reads again, as OpenCost revises them. */
export const DEFAULT_REVISIT_DAYS = 3;
/** The most days one query asks for: each day is a separate computation in OpenCost. */
const MAX_DAYS_PER_READ = 30;
/** Days older than this are deleted: a year and a quarter covers every window and its comparison. */
const RETENTION_DAYS = 460;

/** How far back the collector reads. */
export interface CostCollectorDepth {
  backfillDays: number;
  revisitDays: number;
}

/**
 * Reads the collector's schedule from `regions.collectors.cost`, filling in
 * defaults; global in scope, so that several backend instances read once.
 */
export function readCostCollectorSchedule(
  config: Config,
): SchedulerServiceTaskScheduleDefinition {
  // the depth keys are the collector's, not the scheduler's
  return readGlobalSchedule(config, CONFIG_KEY, DEFAULT_SCHEDULE, [
    'backfillDays',
    'revisitDays',
  ]);
}

/** Reads `regions.collectors.cost.backfillDays` and `.revisitDays`. */
export function readCostCollectorDepth(config: Config): CostCollectorDepth {
  const read = (key: string, fallback: number, min: number) => {
    const value = config.getOptionalNumber(`${CONFIG_KEY}.${key}`) ?? fallback;
    if (!Number.isInteger(value) || value < min) {
      throw new Error(
        `${CONFIG_KEY}.${key} must be a whole number of days of at least ${min}, not ${value}`,
      );
    }
    return value;
  };
  return {
    backfillDays: read('backfillDays', DEFAULT_BACKFILL_DAYS, 1),
    revisitDays: read('revisitDays', DEFAULT_REVISIT_DAYS, 1),
  };
}

/**
 * Reads the daily costs of every known region a source observes, one region
 * after another so as not to load OpenCost, and stores them. A region read
 * for the first time is backfilled; afterwards each run reads again its
 * latest days (OpenCost revises them as late data arrives) and any gap since.
 * A failed read is recorded and keeps the days read before.
 */
export class CostCollector {
  constructor(
    private readonly options: {
      regions: DatabaseRegionsStore;
      store: CostStore;
      /** In order of precedence: the first that observes a region reads it. */
      sources: CostSource[];
      logger: LoggerService;
      depth?: CostCollectorDepth;
      clock?: () => Date;
    },
  ) {}

  /** The source that reads the region, if any observes it. */
  sourceOf(region: RegionEntity): CostSource | undefined {
    return this.options.sources.find(source => source.observes(region));
  }

  async run(signal?: AbortSignal): Promise<void> {
    const { regions } = await this.options.regions.getSnapshot();
    const now = this.now();
    for (const region of regions) {
      if (signal?.aborted) {
        return;
      }
      const source = this.sourceOf(region);
      if (source) {
        await this.collectRegion(region, source, now, signal);
      }
    }
    await this.options.store.prune(utcDay(addDays(now, -RETENTION_DAYS)));
  }

  private now() {
    return this.options.clock?.() ?? new Date();
  }

  private async collectRegion(
    region: RegionEntity,
    source: CostSource,
    now: Date,
    runSignal?: AbortSignal,
  ): Promise<void> {
    const { store, logger } = this.options;
    const depth = this.options.depth ?? {
      backfillDays: DEFAULT_BACKFILL_DAYS,
      revisitDays: DEFAULT_REVISIT_DAYS,
    };
    const regionRef = stringifyEntityRef(region);
    const today = startOfUtcDay(now);
    const earliest = addDays(today, -(depth.backfillDays - 1));
    const latest = await store.latestDay(regionRef);
    let from = latest
      ? addDays(new Date(`${latest}T00:00:00Z`), -(depth.revisitDays - 1))
      : earliest;
    if (from < earliest) {
      from = earliest;
    }
    if (from > today) {
      from = today;
    }
    const end = addDays(today, 1);
    const signal = runSignal ?? new AbortController().signal;

    // oldest first, each span stored as soon as it is read
    for (let start = from; start < end; ) {
      const stop = new Date(
        Math.min(addDays(start, MAX_DAYS_PER_READ).getTime(), end.getTime()),
      );
      try {
        const observation = await source.read(region, {
          from: start,
          to: stop,
          signal,
        });
        await store.writeObservation({
          regionRef,
          source: source.id,
          from: utcDay(start),
          to: utcDay(addDays(stop, -1)),
          observation,
          collectedAt: this.now(),
        });
      } catch (error) {
        const reason = toError(error).message;
        logger.warn(
          `Could not read the costs of ${regionRef} with source '${source.id}': ${reason}`,
        );
        await store
          .writeFailure({
            regionRef,
            source: source.id,
            error: reason,
            failedAt: this.now(),
          })
          .catch(storeError =>
            logger.error(
              `Could not record the failed cost read of ${regionRef}: ${
                toError(storeError).message
              }`,
            ),
          );
        return;
      }
      start = stop;
    }
  }
}
