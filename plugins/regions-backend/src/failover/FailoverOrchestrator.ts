import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  ANNOTATION_REGION_DATABASE,
  FailoverMode,
  FailoverPreflightCheck,
  FailoverRun,
  FailoverStep,
  FailoverStepId,
  normalizeRegionRef,
  RegionEntity,
  ReplicationHistoryPoint,
  ReplicationWindow,
} from '@meridian/plugin-regions-common';
import {
  DatabaseNode,
  DatabaseNodeState,
  FailoverStepContext,
  Promoter,
  TrafficSwitch,
} from '@meridian/plugin-regions-node';
import { FailoverRunOutcome, FailoverStore } from '../database/FailoverStore';
import { FailoverConfig } from './config';
import { bytesBehind, formatBytes } from './lsn';
import { TrafficSwitchRegistry } from './TrafficSwitchRegistry';

/** How often the executing instance refreshes a run's heartbeat. */
const HEARTBEAT_MS = 5_000;
/** A run whose heartbeat is older than this lost its executor. */
export const STALE_RUN_MS = 30_000;
/** The scheduler task that marks runs of lost executors interrupted. */
export const FAILOVER_RECOVERY_TASK_ID = 'regions-failover-recovery';

/** The readiness capability, asked for the target's score when present. */
export interface FailoverReadinessGate {
  getScore(
    regionRef: string,
  ): Promise<{ score: number; ready: boolean; threshold: number } | undefined>;
}

/** Where the orchestrator finds regions: the catalog snapshot of the plugin. */
export interface FailoverRegionLookup {
  getRegion(ref: string): Promise<{ region: RegionEntity } | undefined>;
}

/** The replication history, for an emergency failover's data-loss estimate. */
export interface FailoverReplicationHistory {
  getHistory(
    regionRef: string,
    window: ReplicationWindow,
  ): Promise<ReplicationHistoryPoint[]>;
}

/** A validated `POST /failovers` body, refs canonical. */
export interface FailoverStart {
  region: string;
  target: string;
  mode: FailoverMode;
  dryRun: boolean;
  force: boolean;
}

/** What the orchestrator works with. */
export interface FailoverOrchestratorOptions {
  store: FailoverStore;
  regions: FailoverRegionLookup;
  /** Asked in order; the first that supports a node drives it. */
  promoters: Promoter[];
  traffic: TrafficSwitchRegistry;
  config: FailoverConfig;
  replication?: FailoverReplicationHistory;
  readiness?: FailoverReadinessGate;
  logger: LoggerService;
}

/** A node with the promoter that drives it. */
interface Driven {
  node: DatabaseNode;
  promoter: Promoter;
}

/** What the pre-flight found, for the steps that follow. */
interface Plan {
  source?: Driven;
  target?: Driven;
  sourceState?: DatabaseNodeState;
  switches: { sw: TrafficSwitch; address: string }[];
  /** Emergency failover with the source unreachable: the loss estimated from the last replication sample. */
  estimatedLossBytes: number | null;
}

class StepFailed extends Error {}

/** One run being executed by this instance. */
class RunExecution {
  private readonly steps: FailoverStep[];
  private preflight: FailoverPreflightCheck[] = [];
  private current?: FailoverStep;
  /** What the run changed so far, for the operator when it stops. */
  private readonly changed: string[] = [];
  private saving: Promise<void> = Promise.resolve();
  private readonly abort = new AbortController();
  private readonly sourceRef: string;
  private readonly targetRef: string;

  constructor(
    private readonly run: FailoverRun,
    private readonly source: RegionEntity,
    private readonly target: RegionEntity,
    private readonly options: FailoverOrchestratorOptions,
  ) {
    this.steps = run.steps.map(step => ({ ...step, log: [...step.log] }));
    this.sourceRef = run.region;
    this.targetRef = run.target;
  }

  async execute(): Promise<FailoverRun> {
    const { store, logger } = this.options;
    const heartbeat = setInterval(
      () => store.heartbeat(this.run.id).catch(() => {}),
      HEARTBEAT_MS,
    );
    heartbeat.unref();
    let outcome: FailoverRunOutcome;
    try {
      outcome = await this.executeSteps();
    } catch (error) {
      outcome = { status: 'failed', error: this.failureMessage(error) };
    } finally {
      clearInterval(heartbeat);
    }
    try {
      await this.saving;
      await store.finishRun(this.run.id, { ...outcome, steps: this.steps });
    } catch (error) {
      logger.error(
        `Failover run ${this.run.id} ended ${outcome.status} but could not be recorded: ${error}`,
      );
    }
    logger.info(
      `Failover run ${this.run.id} (${this.run.mode}${
        this.run.dryRun ? ', dry run' : ''
      } ${this.sourceRef} → ${this.targetRef}) ${outcome.status}${
        outcome.error ? `: ${outcome.error}` : ''
      }`,
    );
    return (await store.getRun(this.run.id)) ?? this.run;
  }

  private async executeSteps(): Promise<FailoverRunOutcome> {
    const startedAt = Date.now();
    const { mode } = this.run;
    const drill = mode === 'drill' || this.run.dryRun;
    await this.options.store.saveProgress(this.run.id, {
      status: 'running',
      steps: this.steps,
    });

    const plan = await this.step('preflight', () => this.runPreflight());
    const blocking = this.preflight.filter(
      check => !check.passed && !(check.forcible && this.run.force),
    );
    if (blocking.length > 0) {
      await this.skipRest('refused by the pre-flight checks: nothing changed');
      return {
        status: 'refused',
        error: `refused, nothing changed: ${blocking
          .map(
            check =>
              `${check.title}: ${check.detail}${
                check.forcible ? ' (force overrides it)' : ''
              }`,
          )
          .join('; ')}`,
      };
    }
    if (drill) {
      await this.skipRest(
        `${
          mode === 'drill' ? 'drill' : 'dry run'
        }: pre-flight only, nothing changed`,
      );
      return { status: 'succeeded' };
    }

    const source = plan.source!;
    const target = plan.target!;
    let rtoStart = startedAt;
    let fencedLsn: string | undefined;
    const sourceAnswered = plan.sourceState !== undefined;

    if (mode === 'switchover' || sourceAnswered) {
      await this.step('fence', async ctx => {
        rtoStart = mode === 'switchover' ? Date.now() : rtoStart;
        if (mode === 'failover') {
          ctx.log(
            `${source.node.name} still answers: fencing it before promoting ${target.node.name}, so that there is never a second writable primary`,
          );
        }
        ({ lsn: fencedLsn } = await source.promoter.fence(source.node, ctx));
        this.changed.push(
          `${source.node.name} (${this.sourceRef}) is fenced and refuses writes`,
        );
      });
    } else {
      await this.skip(
        'fence',
        `${source.node.name} did not answer in the pre-flight; the verify step fences it if it answers by then`,
      );
    }

    let dataLossBytes: number | null = mode === 'switchover' ? 0 : null;
    await this.step('promote', async ctx => {
      if (mode === 'failover') {
        const state = await target.promoter.inspect(target.node, ctx);
        const received = state.receiveLsn ?? state.lsn;
        dataLossBytes = fencedLsn
          ? bytesBehind(fencedLsn, received)
          : plan.estimatedLossBytes;
        ctx.log(
          fencedLsn
            ? `${
                target.node.name
              } has received up to ${received}; the fenced primary wrote up to ${fencedLsn}: ${formatBytes(
                dataLossBytes!,
              )} not replicated`
            : `${target.node.name} has received up to ${received}; data loss ${
                dataLossBytes === null
                  ? 'unknown (no replication sample of the source)'
                  : `estimated at ${formatBytes(
                      dataLossBytes,
                    )} from the last replication sample`
              }`,
        );
      }
      await target.promoter.promote(target.node, ctx, {
        waitForLsn: mode === 'switchover' ? fencedLsn : undefined,
        source: source.node,
      });
      this.changed.push(
        `${target.node.name} (${this.targetRef}) is promoted to primary`,
      );
    });
    await this.options.store.saveProgress(this.run.id, {
      steps: this.steps,
      dataLossBytes,
    });

    if (plan.switches.length === 0) {
      await this.skip(
        'switch-traffic',
        `neither region names a traffic switch (meridian.dev/traffic)`,
      );
    } else {
      await this.step('switch-traffic', async ctx => {
        for (const { sw, address } of plan.switches) {
          await sw.switchTo(address, ctx);
          this.changed.push(`traffic switch ${sw.name} points at ${address}`);
          const now = await sw.current(ctx);
          if (now.length !== 1 || now[0] !== address) {
            throw new StepFailed(
              `${sw.name} answers ${
                now.join(', ') || 'nothing'
              } after the switch, not only ${address}`,
            );
          }
          ctx.log(`${sw.name} (${sw.driver}) answers ${address}`);
        }
      });
    }

    let rtoMs = 0;
    await this.step('verify', async ctx => {
      await target.promoter.verifyWritable(target.node, ctx);
      rtoMs = Date.now() - rtoStart;
      ctx.log(
        `writes are back on ${target.node.name} ${rtoMs} ms after ${
          mode === 'switchover' ? 'the fence' : 'the run started'
        }`,
      );
      const state = await target.promoter.inspect(target.node, ctx);
      if (state.role !== 'primary' || !state.writable) {
        throw new StepFailed(
          `${target.node.name} reports itself as a ${state.role}${
            state.writable ? '' : ' refusing writes'
          }`,
        );
      }
      if (mode === 'switchover' && fencedLsn) {
        const missing = bytesBehind(fencedLsn, state.lsn);
        if (missing > 0) {
          throw new StepFailed(
            `${target.node.name} is at ${state.lsn}, ${formatBytes(
              missing,
            )} short of the fenced primary's ${fencedLsn}`,
          );
        }
        ctx.log(
          `${target.node.name} is at ${state.lsn} ≥ ${fencedLsn}: no committed transaction lost`,
        );
      }
      try {
        await source.promoter.verifyFenced(source.node, ctx);
      } catch (error) {
        if (mode !== 'failover') {
          throw error;
        }
        ctx.log(
          `${source.node.name} answers again and is not fenced: fencing it now`,
        );
        await source.promoter.fence(source.node, ctx);
        this.changed.push(
          `${source.node.name} (${this.sourceRef}) is fenced and refuses writes`,
        );
        await source.promoter.verifyFenced(source.node, ctx);
      }
    });

    await this.step('record', async ctx => {
      ctx.log(
        `RTO ${rtoMs} ms; data loss ${
          dataLossBytes === null ? 'unknown' : formatBytes(dataLossBytes)
        }`,
      );
    });
    return { status: 'succeeded', rtoMs, dataLossBytes };
  }

  private async runPreflight(): Promise<Plan> {
    const { mode } = this.run;
    const { config, traffic, readiness, replication } = this.options;
    const ctx = this.context();
    const checks: FailoverPreflightCheck[] = [];
    const check = (
      id: string,
      title: string,
      passed: boolean,
      detail: string,
      forcible = false,
    ) => {
      checks.push({ id, title, passed, detail, forcible });
      ctx.log(`${passed ? 'pass' : 'FAIL'} ${title}: ${detail}`);
    };
    const plan: Plan = { switches: [], estimatedLossBytes: null };

    check(
      'exclusive',
      'No other run in progress',
      true,
      `this run holds ${this.sourceRef} and ${this.targetRef} until it ends`,
    );

    const declaredSource = this.target.spec.replication?.source;
    const sourceOfTarget = declaredSource
      ? normalizeRegionRef(declaredSource, {
          defaultNamespace: this.target.metadata.namespace,
        })
      : undefined;
    check(
      'replica-of',
      'Target is a replica of the region',
      sourceOfTarget === this.sourceRef,
      sourceOfTarget
        ? `${this.targetRef} replicates from ${sourceOfTarget}`
        : `${this.targetRef} declares no spec.replication.source`,
    );

    plan.source = this.driven(this.source, 'source-node', 'Region', check);
    plan.target = this.driven(this.target, 'target-node', 'Target', check);

    let targetState: DatabaseNodeState | undefined;
    if (plan.target) {
      const { node, promoter } = plan.target;
      try {
        targetState = await promoter.inspect(node, ctx);
        const healthy =
          targetState.role === 'standby' &&
          (mode === 'failover' || targetState.streaming === true);
        check(
          'target-healthy',
          'Target is a healthy standby',
          healthy,
          targetState.role === 'primary'
            ? `${node.name} is not in recovery: it is already a primary`
            : `${node.name} is in recovery at ${
                targetState.lsn
              }, WAL receiver ${
                targetState.streaming ? 'streaming' : 'not streaming'
              }${
                !targetState.streaming && mode === 'failover'
                  ? ' (expected with the primary lost)'
                  : ''
              }`,
        );
      } catch (error) {
        check(
          'target-healthy',
          'Target is a healthy standby',
          false,
          (error as Error).message,
        );
      }
    }

    if (plan.source) {
      const { node, promoter } = plan.source;
      try {
        plan.sourceState = await promoter.inspect(node, ctx);
      } catch (error) {
        if (mode !== 'failover') {
          check(
            'source-primary',
            'Region is the primary',
            false,
            `${
              (error as Error).message
            }; a switchover needs the primary up (use mode failover when it is lost)`,
          );
        } else {
          check(
            'source-primary',
            'Region is the primary',
            true,
            `${node.name} does not answer (${
              (error as Error).message
            }): an emergency failover proceeds without it`,
          );
        }
      }
      if (plan.sourceState) {
        check(
          'source-primary',
          'Region is the primary',
          plan.sourceState.role === 'primary',
          plan.sourceState.role === 'primary'
            ? `${node.name} is a primary at ${plan.sourceState.lsn}${
                plan.sourceState.writable ? '' : ' (already read-only)'
              }${
                mode === 'failover'
                  ? '; it still answers, so it is fenced before the promotion'
                  : ''
              }`
            : `${node.name} is in recovery: it is not the primary`,
        );
      }
    }

    const limit = config.maxLagBytes;
    if (targetState?.role === 'standby' && plan.sourceState) {
      const lag = bytesBehind(plan.sourceState.lsn, targetState.lsn);
      check(
        'lag',
        'Target lag within the limit',
        lag <= limit,
        `${plan.target!.node.name} replayed up to ${
          targetState.lsn
        }, ${formatBytes(lag)} behind ${plan.source!.node.name} at ${
          plan.sourceState.lsn
        } (limit ${formatBytes(limit)})`,
        true,
      );
    } else if (targetState?.role === 'standby' && mode === 'failover') {
      const sampled = await this.lastSampledLag(replication);
      plan.estimatedLossBytes = sampled?.lagBytes ?? null;
      check(
        'lag',
        'Target lag within the limit',
        sampled !== undefined && sampled.lagBytes <= limit,
        sampled
          ? `the source's last replication sample (${
              sampled.t
            }) had its replicas at most ${formatBytes(
              sampled.lagBytes,
            )} behind (limit ${formatBytes(
              limit,
            )}); recorded as the data-loss estimate`
          : `the source does not answer and no replication sample of it in the last hour gives the lag`,
        true,
      );
    }

    // Every switch named by either region must be able to point at the target
    // before anything changes.
    const names = [
      ...new Set([
        ...traffic.namesOf(this.source),
        ...traffic.namesOf(this.target),
      ]),
    ];
    const problems: string[] = [];
    for (const name of names) {
      const sw = traffic.get(name);
      const address = sw?.addressOf(this.target);
      if (!sw) {
        problems.push(`${name} is not configured under regions.traffic`);
      } else if (!address) {
        problems.push(
          `regions.traffic.${name}.addresses has no address for ${this.target.metadata.name}`,
        );
      } else {
        plan.switches.push({ sw, address });
      }
    }
    let trafficDetail =
      'no traffic switch is named by meridian.dev/traffic; only the database fails over';
    if (problems.length) {
      trafficDetail = problems.join('; ');
    } else if (plan.switches.length) {
      trafficDetail = plan.switches
        .map(({ sw, address }) => `${sw.name} (${sw.driver}) → ${address}`)
        .join(', ');
    }
    check(
      'traffic',
      'Traffic switches can point at the target',
      problems.length === 0,
      trafficDetail,
    );

    const score = readiness
      ? await readiness.getScore(this.targetRef).catch(error => {
          ctx.log(`readiness could not be read: ${error}`);
          return undefined;
        })
      : undefined;
    check(
      'readiness',
      'Target is production-ready',
      score ? score.ready : true,
      score
        ? `score ${score.score} ${score.ready ? '≥' : '<'} threshold ${
            score.threshold
          }`
        : 'readiness not evaluated',
      true,
    );

    this.preflight = checks;
    await this.options.store.saveProgress(this.run.id, {
      preflight: checks,
      steps: this.steps,
    });
    return plan;
  }

  /** The node a region names and the promoter that drives it, recorded as a check. */
  private driven(
    region: RegionEntity,
    id: string,
    who: string,
    check: (id: string, title: string, passed: boolean, detail: string) => void,
  ): Driven | undefined {
    const { databases } = this.options.config;
    const title = `${who} names a configured database`;
    const name = region.metadata.annotations?.[ANNOTATION_REGION_DATABASE];
    const node = name ? databases.get(name) : undefined;
    const promoter = node
      ? this.options.promoters.find(p => p.supports(node))
      : undefined;
    if (!name) {
      check(
        id,
        title,
        false,
        `${region.metadata.name} has no ${ANNOTATION_REGION_DATABASE} annotation`,
      );
    } else if (!node) {
      check(
        id,
        title,
        false,
        `${name} is not configured under regions.databases`,
      );
    } else if (!promoter) {
      check(
        id,
        title,
        false,
        `no promoter supports ${name} (it needs a connection or a patroni block)`,
      );
    } else {
      check(id, title, true, `${name}, driven by the ${promoter.id} promoter`);
      return { node, promoter };
    }
    return undefined;
  }

  private async lastSampledLag(
    replication: FailoverReplicationHistory | undefined,
  ): Promise<{ t: string; lagBytes: number } | undefined> {
    const history = (await replication?.getHistory(this.sourceRef, '1h')) ?? [];
    for (let i = history.length - 1; i >= 0; i--) {
      const { t, lagBytes } = history[i];
      if (lagBytes !== null) {
        return { t, lagBytes };
      }
    }
    return undefined;
  }

  /** Runs one step, recording its start, log, end, or the error that stops the run. */
  private async step<T>(
    id: FailoverStepId,
    fn: (ctx: FailoverStepContext) => Promise<T>,
  ): Promise<T> {
    const step = this.steps.find(s => s.id === id)!;
    step.status = 'running';
    step.startedAt = new Date().toISOString();
    this.current = step;
    this.save();
    try {
      const result = await fn(this.context());
      step.status = 'succeeded';
      return result;
    } catch (error) {
      step.status = 'failed';
      step.error = this.failureMessage(error);
      throw new StepFailed(step.error);
    } finally {
      step.finishedAt = new Date().toISOString();
      this.current = undefined;
      this.save();
      await this.saving;
    }
  }

  private async skip(id: FailoverStepId, reason: string) {
    const step = this.steps.find(s => s.id === id)!;
    const now = new Date().toISOString();
    step.status = 'skipped';
    step.startedAt = now;
    step.finishedAt = now;
    step.log.push({ t: now, message: reason });
    this.save();
    await this.saving;
  }

  private async skipRest(reason: string) {
    for (const step of this.steps) {
      if (step.status === 'pending') {
        await this.skip(step.id, reason);
      }
    }
  }

  private context(): FailoverStepContext {
    return {
      signal: this.abort.signal,
      log: message => {
        const step = this.current;
        if (step) {
          step.log.push({ t: new Date().toISOString(), message });
          this.save();
        }
      },
    };
  }

  /** Queues a save of the steps, in order, without making the step wait for it. */
  private save() {
    const steps = JSON.parse(JSON.stringify(this.steps));
    this.saving = this.saving
      .then(() => this.options.store.saveProgress(this.run.id, { steps }))
      .catch(error =>
        this.options.logger.warn(
          `Could not save the progress of failover run ${this.run.id}: ${error}`,
        ),
      );
  }

  /** Why the run stopped, with what it did and did not change. */
  private failureMessage(error: unknown): string {
    if (error instanceof StepFailed && error.message.includes('Changed:')) {
      return error.message;
    }
    const step = this.current;
    const reason = error instanceof Error ? error.message : String(error);
    const notDone = this.steps
      .filter(
        s =>
          s !== step &&
          s.status === 'pending' &&
          ['fence', 'promote', 'switch-traffic'].includes(s.id),
      )
      .map(s => s.title.toLowerCase());
    return `${step ? `${step.title} failed: ` : ''}${reason}. Changed: ${
      this.changed.length ? this.changed.join('; ') : 'nothing'
    }.${notDone.length ? ` Not done: ${notDone.join('; ')}.` : ''}${
      this.changed.some(c => c.includes('fenced')) &&
      !this.changed.some(c => c.includes('promoted'))
        ? ' No node takes writes now: promote the target or lift the fence on the old primary (ALTER SYSTEM RESET default_transaction_read_only; SELECT pg_reload_conf()).'
        : ''
    }`;
  }
}

/**
 * Runs drills, switchovers and emergency failovers: records a run with its
 * steps, takes the region and target so that no other run touches them, and
 * executes the steps in the background while `GET /failovers/:id` shows them.
 */
export class FailoverOrchestrator {
  private readonly executions = new Map<string, Promise<FailoverRun>>();

  constructor(private readonly options: FailoverOrchestratorOptions) {}

  /**
   * Records the run and starts executing it. Throws NotFoundError for an
   * unknown region or target, ConflictError when a run holds either.
   */
  async start(request: FailoverStart, actor: string): Promise<FailoverRun> {
    const source = await this.regionOf(request.region, 'region');
    const target = await this.regionOf(request.target, 'target');
    const run = await this.options.store.createRun({
      ...request,
      createdBy: actor,
    });
    const execution = new RunExecution(run, source, target, this.options)
      .execute()
      .finally(() => this.executions.delete(run.id));
    this.executions.set(run.id, execution);
    return run;
  }

  /** The run as it ends, for runs this instance executes; otherwise as stored. */
  async whenFinished(id: string): Promise<FailoverRun | undefined> {
    return (await this.executions.get(id)) ?? this.options.store.getRun(id);
  }

  /** Marks interrupted the runs whose executor stopped (see FailoverStore). */
  async interruptStaleRuns(): Promise<void> {
    const interrupted = await this.options.store.interruptStaleRuns(
      new Date(Date.now() - STALE_RUN_MS),
    );
    for (const run of interrupted) {
      this.options.logger.warn(
        `Failover run ${run.id} (${run.mode} ${run.region} → ${run.target}) was interrupted: ${run.error}`,
      );
    }
  }

  private async regionOf(ref: string, field: string): Promise<RegionEntity> {
    const found = await this.options.regions.getRegion(ref);
    if (!found) {
      throw new NotFoundError(`${field} ${ref} is not a region in the catalog`);
    }
    return found.region;
  }
}
