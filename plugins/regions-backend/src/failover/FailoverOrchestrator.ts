import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  FailoverMode,
  FailoverRun,
  FailoverStep,
} from '@meridian/plugin-regions-common';
import { FailoverRunRequest, FailoverStore } from '../database/FailoverStore';
import { RunExecution, STALE_RUN_MS } from './engine/RunExecution';
import { FencerRegistry } from './fencers';
import { FailoverPlanner } from './plan/FailoverPlanner';
import { FailoverProgress, runFailoverSteps } from './steps';

export { STALE_RUN_MS } from './engine/RunExecution';

/** The scheduler task that marks runs of lost executors interrupted. */
export const FAILOVER_RECOVERY_TASK_ID = 'regions-failover-recovery';

/** How long a graceful shutdown waits for running steps to finish. */
const SHUTDOWN_GRACE_MS = 25_000;

/** A validated `POST /failovers` body, refs canonical: the run's request but for who asks and what it holds. */
export type FailoverStart = Omit<
  FailoverRunRequest,
  'createdBy' | 'holds' | 'approvalsRequired'
>;

/** Who is told what happens to runs (the regions' owners, through Backstage notifications). */
export interface FailoverNotifier {
  /** A run waits for other owners' approvals. */
  awaitingApproval(run: FailoverRun): Promise<void>;
  /** A run ended (succeeded, failed, refused, cancelled, expired, interrupted). */
  ended(run: FailoverRun): Promise<void>;
}

/** What the orchestrator works with. */
export interface FailoverOrchestratorOptions {
  store: FailoverStore;
  planner: FailoverPlanner;
  fencers: FencerRegistry;
  logger: LoggerService;
  /** Approvals each mode needs; none when absent. */
  approvals?: Record<FailoverMode, number>;
  approvalTimeoutMs?: number;
  notifier?: FailoverNotifier;
}

const DEFAULT_APPROVAL_TIMEOUT_MS = 30 * 60_000;

/**
 * Starts, resumes and stops failover runs: records a run holding its regions
 * and nodes, claims its lease and executes its steps in the background while
 * `GET /failovers/:id` shows them. A run whose executor died (another
 * instance, a killed backend) is marked interrupted by the recovery task; a
 * graceful shutdown interrupts runs after their current step. An interrupted
 * run may be resumed: each step looks before it acts, so nothing is done twice.
 */
export class FailoverOrchestrator {
  private readonly executions = new Map<
    string,
    { execution: RunExecution<FailoverProgress>; done: Promise<FailoverRun> }
  >();
  private stopping = false;

  constructor(private readonly options: FailoverOrchestratorOptions) {}

  get planner(): FailoverPlanner {
    return this.options.planner;
  }

  /** How many other owners must approve a run of this request (`regions.failover.approvals`). */
  approvalsRequiredFor(request: { mode: FailoverMode; dryRun: boolean }) {
    // A dry run changes nothing: it never waits. A drill waits if configured to.
    return request.dryRun ? 0 : this.options.approvals?.[request.mode] ?? 0;
  }

  /**
   * Records the run and starts executing it. Throws NotFoundError for an
   * unknown region or target, ConflictError when a run holds either or a node.
   * `approvedByPolicy`: a run the automatic failover policy starts waits for
   * nobody — enabling the policy in the app config is the approval.
   */
  async start(
    request: FailoverStart,
    actor: string,
    options: { approvedByPolicy?: boolean } = {},
  ): Promise<FailoverRun> {
    this.refuseWhileStopping();
    const plan = await this.options.planner.plan({
      region: request.region,
      target: request.target,
      mode: request.mode,
      sourceFenced: request.sourceFenced,
    });
    const run = await this.options.store.createRun({
      ...request,
      createdBy: actor,
      holds: plan.holds,
      approvalsRequired: options.approvedByPolicy
        ? 0
        : this.approvalsRequiredFor(request),
    });
    const claimed = await this.options.store.claim<FailoverProgress>(run.id);
    if (!claimed) {
      throw new Error(`failover run ${run.id} could not be claimed`);
    }
    this.execute(claimed.run, claimed.epoch, { changed: [] });
    return run;
  }

  /**
   * Takes an interrupted run up again from the step it stopped in. A run
   * stopped before it changed anything runs its pre-flight again, against the
   * nodes as they are now. Throws ConflictError when the run is not
   * interrupted or another run holds its regions or nodes.
   */
  async resume(id: string, actor: string): Promise<FailoverRun> {
    this.refuseWhileStopping();
    const { store, planner, logger } = this.options;
    const run = await store.getRun(id);
    if (!run) {
      throw new NotFoundError(`No failover run ${id}`);
    }
    const plan = await planner.plan({
      region: run.region,
      target: run.target,
      mode: executableMode(run),
      sourceFenced: run.sourceFenced,
    });
    const claimed = await store.resume<FailoverProgress>(id, plan.holds);
    const progress = claimed.progress ?? { changed: [] };
    if (progress.changed.length === 0) {
      claimed.run.steps = claimed.run.steps.map(step =>
        step.id === 'preflight' ? { ...step, status: 'pending' } : step,
      );
    }
    logger.info(`Failover run ${id} resumed by ${actor}`);
    this.execute(claimed.run, claimed.epoch, progress);
    return claimed.run;
  }

  /**
   * Records `actor`'s approval of a run awaiting it; once it has all it needs,
   * this instance takes it up: the pre-flight runs again (the nodes may have
   * changed while it waited), then the run goes on. Throws ConflictError when
   * `actor` may not approve it (their own run, approved already, not waiting).
   */
  async approve(id: string, actor: string): Promise<FailoverRun> {
    this.refuseWhileStopping();
    const { store, logger } = this.options;
    const { run, ready } = await store.approve(id, actor);
    logger.info(`Failover run ${id} approved by ${actor}`);
    if (!ready) {
      return run;
    }
    const claimed = await store.claim<FailoverProgress>(id);
    if (!claimed) {
      return (await store.getRun(id)) ?? run;
    }
    claimed.run.steps = claimed.run.steps.map(step =>
      step.id === 'preflight' ? { ...step, status: 'pending' } : step,
    );
    this.execute(
      claimed.run,
      claimed.epoch,
      claimed.progress ?? { changed: [] },
    );
    return claimed.run;
  }

  /**
   * Cancels a run: one not yet changing anything at once, a running one
   * between its steps (its error then says what was and was not changed).
   */
  async cancel(id: string, actor: string): Promise<FailoverRun> {
    const { run, stopped } = await this.options.store.cancel(id, actor);
    this.options.logger.info(`Failover run ${id} cancelled by ${actor}`);
    if (stopped) {
      await this.notify('ended', run);
    }
    return run;
  }

  /** The run as it ends, for runs this instance executes; otherwise as stored. */
  async whenFinished(id: string): Promise<FailoverRun | undefined> {
    return (
      (await this.executions.get(id)?.done) ?? this.options.store.getRun(id)
    );
  }

  /**
   * The recovery task: marks interrupted the runs whose executor stopped
   * heartbeating (see FailoverStore), and expired those that waited for
   * approvals past their deadline.
   */
  async interruptStaleRuns(): Promise<void> {
    const interrupted = await this.options.store.interruptStaleRuns(
      STALE_RUN_MS,
      describeInterruption,
    );
    const expired = await this.options.store.expireApprovals();
    for (const run of [...interrupted, ...expired]) {
      this.options.logger.warn(
        `Failover run ${run.id} (${run.mode} ${run.region} → ${run.target}) ${run.status}: ${run.error}`,
      );
      await this.notify('ended', run);
    }
  }

  /**
   * Stops every run this instance executes after its current step, marking it
   * interrupted with what was and was not changed; refuses new runs. For the
   * backend's graceful shutdown.
   */
  async shutdown(): Promise<void> {
    this.stopping = true;
    const running = [...this.executions.values()];
    for (const { execution } of running) {
      execution.requestStop();
    }
    await Promise.race([
      Promise.allSettled(running.map(({ done }) => done)),
      new Promise(resolve => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref()),
    ]);
  }

  private execute(run: FailoverRun, epoch: number, progress: FailoverProgress) {
    const { store, planner, fencers, logger, approvalTimeoutMs } = this.options;
    const execution = new RunExecution<FailoverProgress>(run, epoch, progress, {
      store,
      logger,
      describeInterruption,
    });
    const done = execution
      .execute(async () => {
        const plan = await planner.plan({
          region: run.region,
          target: run.target,
          mode: executableMode(run),
          sourceFenced: run.sourceFenced,
          canary: run.canary,
        });
        return runFailoverSteps(
          { execution, plan, fencers },
          planner,
          approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS,
        );
      })
      .then(async finished => {
        // A drill that passed is news only to those who were asked to approve it.
        const quiet =
          finished.status === 'succeeded' &&
          (finished.mode === 'drill' || finished.dryRun) &&
          finished.approvalsRequired === 0;
        if (finished.status === 'awaiting-approval') {
          await this.notify('awaitingApproval', finished);
        } else if (
          !quiet &&
          !['pending', 'running'].includes(finished.status)
        ) {
          await this.notify('ended', finished);
        }
        return finished;
      })
      .finally(() => this.executions.delete(run.id));
    this.executions.set(run.id, { execution, done });
  }

  /** Tells the regions' owners; a notification that cannot be sent never fails a run. */
  private async notify(event: keyof FailoverNotifier, run: FailoverRun) {
    await this.options.notifier?.[event](run).catch(error =>
      this.options.logger.warn(
        `Could not notify the owners about failover run ${run.id}: ${error}`,
      ),
    );
  }

  private refuseWhileStopping() {
    if (this.stopping) {
      throw new ConflictError(
        'this backend instance is shutting down; start the run again in a moment',
      );
    }
  }
}

/** A recorded run's mode, as a run executes it (a detected run never executes). */
function executableMode(run: FailoverRun): FailoverMode {
  if (run.mode === 'detected') {
    throw new ConflictError(
      `failover run ${run.id} was detected, not started by Meridian: it cannot be executed`,
    );
  }
  return run.mode;
}

/**
 * What an interrupted run may have changed, said plainly: the step it was in
 * may or may not have taken effect; the steps before it did; the side effects
 * after it were not made. Resuming it is safe: each step looks first.
 */
export function describeInterruption(
  run: FailoverRun,
  current: FailoverStep | undefined,
): string {
  const done = run.steps.filter(
    step => step.status === 'succeeded' && step.id !== 'preflight',
  );
  const last = run.steps.filter(step => step.status === 'succeeded').pop();
  let where = ' before it started';
  if (current) {
    where = ` during "${current.title}"`;
  } else if (last) {
    where = ` after "${last.title}"`;
  }
  const notDone = run.steps
    .filter(
      step =>
        step !== current &&
        step.status === 'pending' &&
        ['fence', 'promote', 'switch-traffic'].includes(step.id),
    )
    .map(step => step.title.toLowerCase());
  const maybe: Partial<Record<string, string>> = {
    fence:
      'The old primary may be fenced (its application roles locked out, read-only); lift the fence as the failover runbook says if you do not resume.',
    promote: 'The target may or may not have been promoted.',
    'switch-traffic': 'Traffic may point at either region.',
    verify: 'Verification was not finished.',
  };
  return [
    `the backend executing this run stopped${where}.`,
    done.length
      ? `Done: ${done.map(step => step.title.toLowerCase()).join(', ')}.`
      : 'Nothing was changed before.',
    current ? maybe[current.id] ?? '' : '',
    notDone.length ? `Not done: ${notDone.join(', ')}.` : '',
    'Resume it to continue: every step looks at the nodes before it acts, so nothing is done twice.',
  ]
    .filter(Boolean)
    .join(' ');
}
