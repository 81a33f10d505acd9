import { LoggerService } from '@backstage/backend-plugin-api';
import {
  FailoverFence,
  FailoverPreflightCheck,
  FailoverRun,
  FailoverStep,
  FailoverStepId,
} from '@meridian/plugin-regions-common';
import { FailoverStepContext } from '@meridian/plugin-regions-node';
import {
  FailoverRunOutcome,
  FailoverStore,
  LeaseLostError,
} from '../../database/FailoverStore';

/** How often the executing instance refreshes a run's heartbeat. */
export const HEARTBEAT_MS = 5_000;
/** A run whose heartbeat is older than this (by the database's clock) lost its executor. */
export const STALE_RUN_MS = 30_000;

/** A step that failed: its message is what the operator reads. */
export class StepFailed extends Error {}

/** The run was asked to stop between steps (the backend shuts down). */
class StopRequested extends Error {}

/** Someone cancelled the run; it stops between steps. */
class CancelRequested extends Error {}

/** What the steps may end in besides a finished run: waiting for approvals. */
export type ExecutionOutcome =
  | FailoverRunOutcome
  | { status: 'awaiting-approval'; deadline: Date };

/** What the engine keeps of a run besides its steps: the changes it made, for the operator. */
export interface EngineProgress {
  changed: string[];
}

/**
 * Executes one run's steps on this instance, holding the run's lease: every
 * write of the run is a compare-and-set on its epoch, a heartbeat keeps the
 * lease alive, and an executor that loses it (another instance marked the
 * run interrupted, or the database stopped answering) aborts the step in
 * flight and stops before its next side effect. Steps that succeeded before
 * (a resumed run) are not run again. Knows nothing of PostgreSQL.
 */
export class RunExecution<P extends EngineProgress> {
  readonly steps: FailoverStep[];
  private current?: FailoverStep;
  private saving: Promise<void> = Promise.resolve();
  private readonly abort = new AbortController();
  private stopRequested = false;
  private lostLease?: Error;

  constructor(
    readonly run: FailoverRun,
    private readonly epoch: number,
    readonly progress: P,
    private readonly deps: {
      store: FailoverStore;
      logger: LoggerService;
      /** Says what a run stopped in the middle may have changed. */
      describeInterruption: (
        run: FailoverRun,
        current?: FailoverStep,
      ) => string;
    },
  ) {
    this.steps = run.steps.map(step => ({ ...step, log: [...step.log] }));
  }

  /**
   * Runs `body` (which calls `step` for each step) under the lease, and
   * records how the run ended. Answers the run as stored afterwards.
   */
  async execute(
    body: (execution: this) => Promise<ExecutionOutcome>,
  ): Promise<FailoverRun> {
    const { store, logger } = this.deps;
    let lastBeat = Date.now();
    const heartbeat = setInterval(() => {
      store.heartbeat(this.run.id, this.epoch).then(
        held => {
          if (held) {
            lastBeat = Date.now();
          } else {
            this.loseLease(new LeaseLostError(this.run.id, this.epoch));
          }
        },
        error => {
          // Past half the stale window another instance may soon take the run over.
          if (Date.now() - lastBeat > STALE_RUN_MS / 2) {
            this.loseLease(
              new Error(
                `the run's heartbeat could not be written for ${Math.round(
                  (Date.now() - lastBeat) / 1000,
                )} s (${error}); this executor stops before its next change`,
              ),
            );
          }
        },
      );
    }, HEARTBEAT_MS);
    heartbeat.unref();

    let outcome: ExecutionOutcome | undefined;
    try {
      outcome = await body(this);
    } catch (error) {
      if (error instanceof CancelRequested) {
        const by = (await store.getRun(this.run.id))?.cancelledBy;
        const message = this.cancelMessage(by);
        await this.skipRest(message).catch(() => {});
        outcome = { status: 'cancelled', error: message };
      } else if (error instanceof StopRequested) {
        outcome = undefined;
      } else if (this.lostLease || error instanceof LeaseLostError) {
        logger.warn(
          `Failover run ${this.run.id} stopped on this instance: ${
            (this.lostLease ?? error) as Error
          }`,
        );
        outcome = undefined;
      } else {
        outcome = { status: 'failed', error: this.failureMessage(error) };
      }
    } finally {
      clearInterval(heartbeat);
    }

    await this.saving;
    if (outcome?.status === 'awaiting-approval') {
      await store
        .awaitApproval(this.run.id, this.epoch, outcome.deadline, this.steps)
        .catch(error =>
          logger.error(
            `Failover run ${this.run.id} could not be parked for approval: ${error}`,
          ),
        );
    } else if (outcome) {
      try {
        await store.finishRun(this.run.id, this.epoch, {
          ...outcome,
          steps: this.steps,
        });
        logger.info(
          `Failover run ${this.run.id} (${this.run.mode}${
            this.run.dryRun ? ', dry run' : ''
          } ${this.run.region} → ${this.run.target}) ${outcome.status}${
            outcome.error ? `: ${outcome.error}` : ''
          }`,
        );
      } catch (error) {
        logger.error(
          `Failover run ${this.run.id} ended ${outcome.status} but could not be recorded: ${error}`,
        );
      }
    } else if (this.stopRequested && !this.lostLease) {
      const stopped = await store
        .interrupt(this.run.id, this.epoch, this.deps.describeInterruption)
        .catch(() => undefined);
      if (stopped) {
        logger.warn(
          `Failover run ${this.run.id} was interrupted by the shutdown: ${stopped.error}`,
        );
      }
    }
    return (await store.getRun(this.run.id)) ?? this.run;
  }

  /** Asks the run to stop after its current step (a graceful shutdown). */
  requestStop() {
    this.stopRequested = true;
  }

  /**
   * Runs one step: records its start (which fails if the lease is lost, so
   * nothing happens then), its log, its end, or the error that stops the run.
   * A step that succeeded or was skipped before (a resumed run) is not run again.
   */
  async step<T>(
    id: FailoverStepId,
    fn: (ctx: FailoverStepContext) => Promise<T>,
  ): Promise<T | undefined> {
    const step = this.find(id);
    if (step.status === 'succeeded' || step.status === 'skipped') {
      return undefined;
    }
    this.checkpoint();
    if (await this.deps.store.isCancelRequested(this.run.id)) {
      throw new CancelRequested();
    }
    step.status = 'running';
    step.startedAt = new Date().toISOString();
    delete step.error;
    if (this.run.resumes > 0 && step.log.length > 0) {
      step.log.push({ t: step.startedAt, message: '— resumed —' });
    }
    this.current = step;
    await this.save();
    try {
      const result = await fn(this.context());
      step.status = 'succeeded';
      return result;
    } catch (error) {
      if (this.lostLease) {
        throw this.lostLease;
      }
      step.status = 'failed';
      step.error = this.failureMessage(error);
      throw new StepFailed(step.error);
    } finally {
      step.finishedAt = new Date().toISOString();
      this.current = undefined;
      if (!this.lostLease) {
        await this.save().catch(error => {
          this.lostLease ??= error;
        });
      }
    }
  }

  /**
   * Marks a step running with a line of why, and leaves it so: the run is
   * parked there (awaiting approval) once the execution ends.
   */
  async park(id: FailoverStepId, why: string) {
    const step = this.find(id);
    step.status = 'running';
    step.startedAt ??= new Date().toISOString();
    step.log.push({ t: new Date().toISOString(), message: why });
    await this.save();
  }

  /**
   * Records a step that ran to its end as failed after all, with why: the
   * pre-flight whose checks refuse the run.
   */
  async failFinished(id: FailoverStepId, error: string) {
    const step = this.find(id);
    step.status = 'failed';
    step.error = error;
    await this.save();
  }

  /** Records a step as skipped, with why. */
  async skip(id: FailoverStepId, reason: string) {
    const step = this.find(id);
    if (step.status !== 'pending') {
      return;
    }
    const now = new Date().toISOString();
    step.status = 'skipped';
    step.startedAt = now;
    step.finishedAt = now;
    step.log.push({ t: now, message: reason });
    await this.save();
  }

  /** Skips every step still pending. */
  async skipRest(reason: string) {
    for (const step of this.steps) {
      await this.skip(step.id, reason);
    }
  }

  /** Saves the pre-flight checks, the fence, data loss and progress with the steps. */
  async save(
    extra: {
      preflight?: FailoverPreflightCheck[];
      fence?: FailoverFence;
      dataLossBytes?: number | null;
    } = {},
  ): Promise<void> {
    const steps = JSON.parse(JSON.stringify(this.steps));
    const progress = JSON.parse(JSON.stringify(this.progress));
    const write = this.saving.then(() =>
      this.deps.store.saveProgress(this.run.id, this.epoch, {
        ...extra,
        steps,
        progress,
      }),
    );
    // later saves wait for this one; a failure is the caller's, not theirs
    this.saving = write.catch(() => {});
    try {
      await write;
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.loseLease(error);
      }
      throw error;
    }
  }

  /** Why a cancelled run stopped, with what it did and did not change. */
  private cancelMessage(by: string | undefined): string {
    const last = this.steps.filter(s => s.status === 'succeeded').pop();
    const { changed } = this.progress;
    const notDone = this.steps
      .filter(
        s =>
          s.status === 'pending' &&
          ['fence', 'promote', 'switch-traffic'].includes(s.id),
      )
      .map(s => s.title.toLowerCase());
    return `cancelled${by ? ` by ${by}` : ''}${
      last ? ` after "${last.title}"` : ''
    }. Changed: ${changed.length ? changed.join('; ') : 'nothing'}.${
      notDone.length ? ` Not done: ${notDone.join('; ')}.` : ''
    }`;
  }

  /** Notes a change the run made, for the operator if it stops. */
  changed(what: string) {
    this.progress.changed.push(what);
  }

  /** Throws when the run must not start another step. */
  private checkpoint() {
    if (this.lostLease) {
      throw this.lostLease;
    }
    if (this.stopRequested) {
      throw new StopRequested();
    }
  }

  private loseLease(error: Error) {
    if (!this.lostLease) {
      this.lostLease = error;
      this.abort.abort(error);
    }
  }

  private find(id: FailoverStepId): FailoverStep {
    const step = this.steps.find(s => s.id === id);
    if (!step) {
      throw new Error(`run ${this.run.id} has no step ${id}`);
    }
    return step;
  }

  /** Throws unless this executor still holds the run (checked in the database). */
  async ensureLease(): Promise<void> {
    if (!this.lostLease) {
      const held = await this.deps.store.heartbeat(this.run.id, this.epoch);
      if (!held) {
        this.loseLease(new LeaseLostError(this.run.id, this.epoch));
      }
    }
    if (this.lostLease) {
      throw this.lostLease;
    }
  }

  private context(): FailoverStepContext {
    return {
      signal: this.abort.signal,
      ensureLease: () => this.ensureLease(),
      log: message => {
        const step = this.current;
        if (step) {
          step.log.push({ t: new Date().toISOString(), message });
          this.save().catch(() => {});
        }
      },
    };
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
    const { changed } = this.progress;
    return `${step ? `${step.title} failed: ` : ''}${reason}. Changed: ${
      changed.length ? changed.join('; ') : 'nothing'
    }.${notDone.length ? ` Not done: ${notDone.join('; ')}.` : ''}`;
  }
}
