import {
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  Config,
  ConfigReader,
  JsonObject,
  readDurationFromConfig,
} from '@backstage/config';
import { toError } from '@backstage/errors';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import {
  ObservedRole,
  RegionEntity,
  replicationStatusOf,
  ReplicationStatus,
} from '@meridian/plugin-regions-common';
import {
  NodeUnreachableError,
  ObservedNodeFacts,
  ReplicationObservation,
  ReplicationSource,
} from '@meridian/plugin-regions-node';
import { DatabaseRegionsStore } from '../../database/DatabaseRegionsStore';
import {
  DEFAULT_REPLICATION_RETENTION,
  ReplicationRetention,
  ReplicationSample,
  ReplicationSampleRow,
  ReplicationState,
  ReplicationStore,
} from '../../database/ReplicationStore';

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
  // retention is the store's, not the scheduler's
  const { retention: _retention, ...configured } =
    config.getOptionalConfig(CONFIG_KEY)?.get<JsonObject>() ?? {};
  const schedule = readSchedulerServiceTaskScheduleDefinitionFromConfig(
    new ConfigReader(
      { ...DEFAULT_SCHEDULE, ...configured },
      'regions-backend',
      undefined,
      CONFIG_KEY,
    ),
  );
  return { ...schedule, scope: 'global' };
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
 * Samples the replication state of every known region that a source
 * observes, all regions in parallel, and records the outcome. A region whose
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

  /** Takes one sample of every observed region, hands them to `afterTick`, then prunes old samples. */
  async run(signal?: AbortSignal): Promise<void> {
    const { regions } = await this.options.regions.getSnapshot();
    const previous = this.options.afterTick
      ? await this.options.store.getLatestStates()
      : new Map<string, ReplicationState>();
    const samples = await Promise.all(
      regions.map(async region => {
        const source = this.sourceOf(region);
        return source ? [await this.sampleRegion(region, source, signal)] : [];
      }),
    );
    await this.options.afterTick?.(samples.flat(), previous, signal);
    await this.options.store.prune();
  }

  private async sampleRegion(
    region: RegionEntity,
    source: ReplicationSource,
    runSignal?: AbortSignal,
  ): Promise<ReplicationSample> {
    const { store, logger } = this.options;
    const regionRef = stringifyEntityRef(region);
    let sample: ReplicationSample;
    try {
      const observation = await this.observe(region, source, runSignal);
      sample = judgeObservation(region, source.id, observation);
    } catch (error) {
      const reason = toError(error).message;
      logger.warn(
        `Could not sample the replication of ${regionRef} with source '${source.id}': ${reason}`,
      );
      sample = {
        regionRef,
        sampledAt: new Date(),
        status: 'unknown',
        reason,
        source: source.id,
        lagBytes: null,
        lagSeconds: null,
        rows: [],
        replicas: [],
        observedRole:
          toError(error).name === 'NodeUnreachableError'
            ? 'unreachable'
            : 'unknown',
      };
    }
    try {
      await store.writeSample(sample);
    } catch (error) {
      logger.error(
        `Could not store the replication sample of ${regionRef}: ${
          toError(error).message
        }`,
      );
    }
    return sample;
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

const STATUS_ORDER: ReplicationStatus[] = [
  'unknown',
  'ok',
  'warning',
  'breach',
];

function atLeast(
  status: ReplicationStatus,
  floor: ReplicationStatus,
): ReplicationStatus {
  return STATUS_ORDER.indexOf(status) >= STATUS_ORDER.indexOf(floor)
    ? status
    : floor;
}

function rpoText(rpoSeconds: number | undefined) {
  return rpoSeconds === undefined ? 'no RPO declared' : `RPO ${rpoSeconds} s`;
}

function verdictOf(lagSeconds: number, rpoSeconds: number | undefined) {
  const status = replicationStatusOf(lagSeconds, rpoSeconds);
  if (status === 'breach') {
    return { status, text: `above the ${rpoText(rpoSeconds)}` };
  }
  if (status === 'warning') {
    return { status, text: `at least half the ${rpoText(rpoSeconds)}` };
  }
  return { status, text: rpoText(rpoSeconds) };
}

/** Lag for a sentence: `85 ms`, `2.5 s`, `61 s`; sub-millisecond lag of a busy loopback pair reads `< 1 ms`. */
export function formatLag(seconds: number): string {
  if (seconds < 0.001) {
    return seconds === 0 ? '0 s' : '< 1 ms';
  }
  if (seconds < 1) {
    return `${Math.round(seconds * 1000)} ms`;
  }
  return `${Number(seconds.toFixed(seconds < 10 ? 1 : 0))} s`;
}

/**
 * Turns what a source saw into a status and a reason: the worst replica's lag
 * against the region's RPO for a primary, the region's own view for a standby.
 */
function judgeObservation(
  region: RegionEntity,
  sourceId: string,
  observation: ReplicationObservation,
): ReplicationSample {
  const rpoSeconds = region.spec.replication?.rpoSeconds;
  const base = {
    regionRef: stringifyEntityRef(region),
    sampledAt: observation.sampledAt,
    source: sourceId,
    database: observation.database,
    replicas: observation.replicas,
    standby: observation.standby,
    node: observation.node,
    observedRole: observedRoleOf(observation.nodeRole, observation.node),
  };

  if (observation.nodeRole === 'standby' && !observation.standby) {
    return {
      ...base,
      status: 'unknown',
      reason: `source '${sourceId}' found a standby but reported nothing of its state`,
      lagBytes: null,
      lagSeconds: null,
      rows: [],
    };
  }
  if (observation.nodeRole === 'standby' && observation.standby) {
    const standby = observation.standby;
    const backlog = standby.replayBacklogBytes;
    let lagSeconds: number | null = null;
    let status: ReplicationStatus = 'unknown';
    let reason = `the standby's WAL receiver is ${standby.receiverStatus} and how far it is behind is unknown`;
    if (standby.caughtUp) {
      lagSeconds = 0;
      status = 'ok';
      reason =
        standby.lastReplayAgeSeconds !== null &&
        standby.lastReplayAgeSeconds > 0
          ? `caught up; the primary has had no writes for ${Math.round(
              standby.lastReplayAgeSeconds,
            )} s`
          : 'caught up';
    } else if (backlog !== null && backlog > 0) {
      lagSeconds = standby.lastReplayAgeSeconds;
      if (lagSeconds !== null) {
        const verdict = verdictOf(lagSeconds, rpoSeconds);
        status = verdict.status;
        reason = `${backlog} bytes wait to be replayed, ${Math.round(
          lagSeconds,
        )} s behind (${verdict.text})`;
      }
    }
    if (status !== 'unknown' && standby.receiverStatus !== 'streaming') {
      status = atLeast(status, 'warning');
      reason = `the standby's WAL receiver is ${standby.receiverStatus}; ${reason}`;
    }
    const row: ReplicationSampleRow = {
      replica: '',
      state: standby.receiverStatus,
      lagBytes: backlog,
      lagSeconds,
    };
    return {
      ...base,
      status,
      reason,
      lagBytes: backlog,
      lagSeconds,
      rows: [row],
    };
  }

  const replicas = observation.replicas;
  const rows: ReplicationSampleRow[] = replicas.map(replica => ({
    replica: replica.name,
    state: replica.state,
    syncState: replica.syncState,
    lagBytes: replica.lagBytes,
    lagSeconds: replica.lagSeconds,
  }));
  const lagBytes = maxOf(replicas.map(r => r.lagBytes));
  const worst = replicas
    .filter(r => r.lagSeconds !== null)
    .reduce<(typeof replicas)[number] | undefined>(
      (max, r) =>
        max === undefined || r.lagSeconds! > max.lagSeconds! ? r : max,
      undefined,
    );
  let status: ReplicationStatus = 'unknown';
  let reason =
    replicas.length === 0
      ? 'the primary reports no replicas'
      : 'no replica reports its lag';
  if (worst) {
    const verdict = verdictOf(worst.lagSeconds!, rpoSeconds);
    status = verdict.status;
    reason = `worst replica ${worst.name} is ${formatLag(
      worst.lagSeconds!,
    )} behind (${verdict.text})`;
  }
  const stopped = replicas.filter(r => r.state === 'stopped');
  if (stopped.length > 0) {
    status = atLeast(status, 'warning');
    reason = `${stopped.map(r => `replica ${r.name}`).join(', ')} ${
      stopped.length === 1 ? 'is' : 'are'
    } stopped; ${reason}`;
  }
  return {
    ...base,
    status,
    reason,
    lagBytes,
    lagSeconds: worst?.lagSeconds ?? null,
    rows,
  };
}

/** What the node says it is: a primary its fence holds is `fenced`. */
function observedRoleOf(
  nodeRole: 'primary' | 'standby',
  node: ObservedNodeFacts | undefined,
): ObservedRole {
  if (nodeRole === 'standby') {
    return 'standby';
  }
  return node?.fenced ? 'fenced' : 'primary';
}

function maxOf(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length > 0 ? Math.max(...known) : null;
}
