import {
  LoggerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { Config, readDurationFromConfig } from '@backstage/config';
import { toError } from '@backstage/errors';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { RegionEntity } from '@meridian/plugin-regions-common';
import {
  NodeUnreachableError,
  ReplicationObservation,
  ReplicationSource,
} from '@meridian/plugin-regions-node';
import { DatabaseRegionsStore } from '../../database/DatabaseRegionsStore';
import {
  DEFAULT_REPLICATION_RETENTION,
  ReplicationRetention,
  ReplicationSample,
  ReplicationState,
  ReplicationStore,
} from '../../database/ReplicationStore';
import { readGlobalSchedule } from '../../lib/globalSchedule';
import { inParallel } from '../inParallel';
import { judgeObservation } from './judgeObservation';
import { linkLogicalReplication } from './logicalLinks';

/** The scheduler task id of the replication collector. */
export const REPLICATION_COLLECTOR_TASK_ID = 'regions-replication-collector';

const CONFIG_KEY = 'regions.collectors.replication';

const DEFAULT_SCHEDULE = {
  frequency: { seconds: 10 },
  timeout: { minutes: 1 },
  initialDelay: { seconds: 5 },
};

/** How long one region's sample may take before it counts as failed. */
const DEFAULT_SAMPLE_TIMEOUT_MS = 5_000;

/** Nodes sampled at once when `collectors.replication.concurrency` is not set. */
export const DEFAULT_REPLICATION_CONCURRENCY = 16;

// The staleness used when the frequency is a crontab line.
const CRON_STALE_AFTER_MS = 3 * 60_000;

/**
 * Reads the collector's schedule from `regions.collectors.replication`,
 * filling in defaults. Always global in scope, so that several backend
 * instances take one sample per tick between them.
 */
export function readReplicationCollectorSchedule(
  config: Config,
): SchedulerServiceTaskScheduleDefinition {
  // retention is the store's and concurrency the collector's, not the scheduler's
  return readGlobalSchedule(config, CONFIG_KEY, DEFAULT_SCHEDULE, [
    'retention',
    'concurrency',
  ]);
}

/**
 * The age from which a sample no longer counts as the current state: three
 * times the collector frequency, so one slow or missed tick is not reported.
 */
export function staleAfterMsOf(
  schedule: SchedulerServiceTaskScheduleDefinition,
): number {
  const { frequency } = schedule;
  if ('cron' in frequency) {
    return CRON_STALE_AFTER_MS;
  }
  const ms =
    'toMillis' in frequency
      ? frequency.toMillis()
      : durationToMilliseconds(frequency as HumanDuration);
  return 3 * ms;
}

/** Reads `regions.collectors.replication.retention`, with the defaults. */
export function readReplicationRetention(config: Config): ReplicationRetention {
  const retention = config.getOptionalConfig(`${CONFIG_KEY}.retention`);
  const read = (key: string, fallback: number) =>
    retention?.has(key)
      ? durationToMilliseconds(readDurationFromConfig(retention, { key }))
      : fallback;
  return {
    rawMs: read('raw', DEFAULT_REPLICATION_RETENTION.rawMs),
    rollupsMs: read('rollups', DEFAULT_REPLICATION_RETENTION.rollupsMs),
  };
}

/**
 * Reads `regions.collectors.replication.concurrency`: how many nodes one
 * tick samples at once.
 */
export function readReplicationConcurrency(config: Config): number {
  const key = `${CONFIG_KEY}.concurrency`;
  const concurrency =
    config.getOptionalNumber(key) ?? DEFAULT_REPLICATION_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(
      `Invalid config at ${key}: ${concurrency} is not a whole number of at least 1`,
    );
  }
  return concurrency;
}

/**
 * A source whose observation of a region is that of a database node several
 * regions may share; `nodeOf` names the node, or is undefined when the region
 * cannot be sampled (its sample then fails on its own, with the reason).
 *
 * @public
 */
export interface NodeSharingSource extends ReplicationSource {
  nodeOf(region: RegionEntity): string | undefined;
}

type Observed = { region: RegionEntity; source: ReplicationSource };

/**
 * Samples the replication state of every known region that a source
 * observes and records the outcome. Regions on the same node share one
 * sample of it, and at most `concurrency` nodes are sampled at once, so that
 * a tick over thousands of regions opens no storm of connections. A region whose
 * source fails is recorded as `unknown` with the error as reason; the others
 * are not affected, and the next run tries it again.
 */
export class ReplicationCollector {
  constructor(
    private readonly options: {
      regions: DatabaseRegionsStore;
      store: ReplicationStore;
      /** In order of precedence: the first that observes a region samples it. */
      sources: ReplicationSource[];
      logger: LoggerService;
      sampleTimeoutMs?: number;
      /** Nodes sampled at once; default 16. */
      concurrency?: number;
      /**
       * Looks at every tick's samples together, with the states they replace
       * (e.g. the split-brain guard, the promotion detector).
       */
      afterTick?: (
        samples: ReplicationSample[],
        previous: Map<string, ReplicationState>,
        signal?: AbortSignal,
      ) => Promise<void>;
    },
  ) {}

  /** The source that samples the region, if any observes it. */
  sourceOf(region: RegionEntity): ReplicationSource | undefined {
    return this.options.sources.find(source => source.observes(region));
  }

  /**
   * Takes one sample of every observed region, joins their logical
   * replication across regions, records them, hands them to `afterTick`,
   * then prunes old samples.
   */
  async run(signal?: AbortSignal): Promise<void> {
    const { regions } = await this.options.regions.getSnapshot();
    const previous = await this.options.store.getLatestStates();
    const outcomes = await this.sampleByNode(
      regions.flatMap(region => {
        const source = this.sourceOf(region);
        return source ? [{ region, source }] : [];
      }),
      signal,
    );
    const linked = linkLogicalReplication(
      regions,
      new Map(
        outcomes.flatMap(outcome =>
          outcome.observation
            ? [[stringifyEntityRef(outcome.region), outcome.observation]]
            : [],
        ),
      ),
      new Map(
        [...previous].map(([ref, state]) => [ref, state.subscriptions ?? []]),
      ),
    );
    const samples = outcomes.map(({ region, source, error }) => {
      const observation = linked.get(stringifyEntityRef(region));
      return observation
        ? judgeObservation(region, source.id, observation)
        : this.failedSample(region, source, error);
    });
    await this.record(samples);
    await this.options.afterTick?.(samples, previous, signal);
    await this.options.store.prune();
  }

  /**
   * One attempt per node (a region whose source names no node is its own),
   * at most `concurrency` at once; each region, in the order given, with its
   * node's outcome.
   */
  private async sampleByNode(
    observed: Observed[],
    signal?: AbortSignal,
  ): Promise<
    Array<Observed & { observation?: ReplicationObservation; error?: unknown }>
  > {
    const groups = new Map<string, Observed>();
    const keys = observed.map(({ region, source }) => {
      const node = (source as Partial<NodeSharingSource>).nodeOf?.(region);
      const key =
        node === undefined
          ? `region\n${stringifyEntityRef(region)}`
          : `node\n${source.id}\n${node}`;
      if (!groups.has(key)) {
        groups.set(key, { region, source });
      }
      return key;
    });
    const firsts = [...groups];
    const attempts = await inParallel(
      firsts,
      this.options.concurrency ?? DEFAULT_REPLICATION_CONCURRENCY,
      ([, { region, source }]) => this.attempt(region, source, signal),
    );
    const byKey = new Map(firsts.map(([key], i) => [key, attempts[i]]));
    return observed.map((entry, i) => ({ ...entry, ...byKey.get(keys[i]) }));
  }

  private async attempt(
    region: RegionEntity,
    source: ReplicationSource,
    runSignal?: AbortSignal,
  ): Promise<{ observation?: ReplicationObservation; error?: unknown }> {
    try {
      return { observation: await this.observe(region, source, runSignal) };
    } catch (error) {
      return { error };
    }
  }

  private failedSample(
    region: RegionEntity,
    source: ReplicationSource,
    error: unknown,
  ): ReplicationSample {
    const regionRef = stringifyEntityRef(region);
    const reason = toError(error).message;
    this.options.logger.warn(
      `Could not sample the replication of ${regionRef} with source '${source.id}': ${reason}`,
    );
    return {
      regionRef,
      sampledAt: new Date(),
      status: 'unknown',
      reason,
      source: source.id,
      lagBytes: null,
      lagSeconds: null,
      rows: [],
      replicas: [],
      subscriptions: [],
      observedRole:
        toError(error).name === 'NodeUnreachableError'
          ? 'unreachable'
          : 'unknown',
    };
  }

  /**
   * Writes the tick's samples together; when that fails, one by one, so
   * that one sample the store refuses loses no other.
   */
  private async record(samples: ReplicationSample[]): Promise<void> {
    try {
      await this.options.store.writeSamples(samples);
      return;
    } catch (error) {
      this.options.logger.warn(
        `Could not store the tick's ${
          samples.length
        } replication samples together, storing them one by one: ${
          toError(error).message
        }`,
      );
    }
    for (const sample of samples) {
      try {
        await this.options.store.writeSamples([sample]);
      } catch (error) {
        this.options.logger.error(
          `Could not store the replication sample of ${sample.regionRef}: ${
            toError(error).message
          }`,
        );
      }
    }
  }

  // Aborts the source's work when it takes too long or the run is cancelled.
  private async observe(
    region: RegionEntity,
    source: ReplicationSource,
    runSignal?: AbortSignal,
  ): Promise<ReplicationObservation> {
    const timeoutMs = this.options.sampleTimeoutMs ?? DEFAULT_SAMPLE_TIMEOUT_MS;
    const controller = new AbortController();
    const onRunAbort = () => controller.abort(runSignal?.reason);
    runSignal?.addEventListener('abort', onRunAbort);
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        source.sample(region, { signal: controller.signal }),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => {
            const error = new NodeUnreachableError(
              `source '${source.id}' did not answer within ${timeoutMs} ms`,
            );
            controller.abort(error);
            reject(error);
          }, timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      runSignal?.removeEventListener('abort', onRunAbort);
    }
  }
}
