import { DatabaseService } from '@backstage/backend-plugin-api';
import { FailoverRun, FailoverStep } from '@meridian/plugin-regions-common';
import * as approvals from './failover/approvals';
import * as detectedRuns from './failover/detectedRuns';
import * as lease from './failover/executorLease';
import {
  ClaimedRun,
  DescribeInterruption,
  FailoverRunOutcome,
  FailoverRunProgress,
} from './failover/executorLease';
import { holderOf } from './failover/holds';
import * as runs from './failover/runs';
import { RunTable } from './failover/runTable';
import { migratedClient } from './migratedClient';

export { LeaseLostError } from './failover/executorLease';
export type { ClaimedRun, FailoverRunOutcome } from './failover/executorLease';
export { databaseHold } from './failover/holds';
export { MAX_LISTED_RUNS } from './failover/runs';
export type { FailoverRunRequest } from './failover/runs';
export { FAILOVER_STEP_TITLES } from './failover/runTable';

/**
 * Stores failover runs, and the holds that allow one unfinished run per region
 * and per database node: a run holds its regions and their nodes from the
 * transaction that creates it, and the primary key of the holds makes a second
 * run on any of them fail, even from another backend instance.
 *
 * Every run carries a lease epoch. Whoever executes a run claims it (raising
 * the epoch), and every write of its progress is a compare-and-set on that
 * epoch: once another instance marks the run interrupted or resumes it, the
 * old executor's next write fails and it stops before its next side effect.
 * Heartbeats and staleness use the database's clock, never two hosts' clocks.
 *
 * The operations live in ./failover by concern: runs, detected runs, the
 * executor's lease, approvals and cancellation, holds.
 */
export class FailoverStore {
  /** Connects to the plugin's database and brings its schema up to date. */
  static async create(options: {
    database: DatabaseService;
  }): Promise<FailoverStore> {
    return new FailoverStore(
      new RunTable(await migratedClient(options.database)),
    );
  }

  private constructor(private readonly table: RunTable) {}

  // Runs

  /**
   * Records a new `pending` run with every step pending, holding `holds` (its
   * regions and database nodes). Throws a ConflictError naming the run in
   * progress when another unfinished run holds any of them.
   */
  createRun(request: runs.FailoverRunRequest): Promise<FailoverRun> {
    return runs.createRun(this.table, request);
  }

  getRun(id: string): Promise<FailoverRun | undefined> {
    return runs.getRun(this.table, id);
  }

  /**
   * Runs where the region is the source or the target, newest first; only
   * those created since `since` when given (the readiness drill check).
   */
  listRuns(regionRef: string, since?: Date): Promise<FailoverRun[]> {
    return runs.listRuns(this.table, regionRef, since);
  }

  /**
   * Every run not over yet (pending, awaiting approval, running), newest
   * first. Holds allow one such run per region, so the list is bounded by
   * the number of regions.
   */
  listUnfinishedRuns(): Promise<FailoverRun[]> {
    return runs.listUnfinishedRuns(this.table);
  }

  /**
   * The promotions (switchovers, failovers, detected runs) that ended
   * `succeeded` since `since`, newest first: who is the legitimate primary.
   */
  listSucceededPromotions(since: Date): Promise<FailoverRun[]> {
    return runs.listSucceededPromotions(this.table, since);
  }

  /** The persisted progress of a run, whatever its state. */
  getProgress<P>(id: string): Promise<P | undefined> {
    return runs.getProgress<P>(this.table, id);
  }

  /**
   * Appends a step to a finished run (the split-brain guard's re-fence), and
   * raises its data loss to `dataLossBytes` when that is more.
   */
  appendStep(
    id: string,
    step: FailoverStep,
    dataLossBytes?: number,
  ): Promise<void> {
    return runs.appendStep(this.table, id, step, dataLossBytes);
  }

  /** Which unfinished run holds any of these regions or nodes, in words; undefined when none does. */
  holderOf(holds: string[]): Promise<string | undefined> {
    return holderOf(this.table, holds);
  }

  // Detected runs

  /**
   * Records a promotion Meridian observed but did not make, as a finished run
   * of mode `detected`: who knows what promoted it, when, how long writes were
   * unavailable and what was lost, as far as the evidence goes.
   */
  recordDetectedRun(
    detected: detectedRuns.DetectedPromotion,
  ): Promise<FailoverRun> {
    return detectedRuns.recordDetectedRun(this.table, detected);
  }

  /**
   * Detected runs since `since` that do not say yet what promoted them, with
   * the node that was promoted: Patroni writes its history up to a
   * `loop_wait` after the promotion, often after the run was recorded.
   */
  listDetectedRunsWithoutPromoter(
    since: Date,
  ): Promise<{ run: FailoverRun; targetNode?: string }[]> {
    return detectedRuns.listDetectedRunsWithoutPromoter(this.table, since);
  }

  /** Adds what became known of a detected promotion: who made it, and how Meridian knows. */
  reviseDetection(
    runId: string,
    revision: { promotedBy: string; evidence: string[]; promotedAt?: string },
  ): Promise<void> {
    return detectedRuns.reviseDetection(this.table, runId, revision);
  }

  /** Whether a detected run already records the promotion of `target` to `timeline`. */
  hasDetectedRun(target: string, timeline: number | null): Promise<boolean> {
    return detectedRuns.hasDetectedRun(this.table, target, timeline);
  }

  // The executor's lease

  /**
   * Claims a `pending` run for execution: raises its lease epoch and marks it
   * `running`. Undefined when it is not pending (another executor has it).
   */
  claim<P>(id: string): Promise<ClaimedRun<P> | undefined> {
    return lease.claim<P>(this.table, id);
  }

  /**
   * Takes an `interrupted` run up again: holds its regions and nodes anew
   * (ConflictError while another run holds one), raises its epoch and marks it
   * `running`. Throws a ConflictError naming why it cannot be resumed.
   */
  resume<P>(id: string, holds: string[]): Promise<ClaimedRun<P>> {
    return lease.resume<P>(this.table, id, holds);
  }

  /**
   * Saves the run's progress and refreshes its heartbeat, if this executor
   * still holds the run; throws LeaseLostError otherwise.
   */
  saveProgress<P>(
    id: string,
    epoch: number,
    progress: FailoverRunProgress<P>,
  ): Promise<void> {
    return lease.saveProgress(this.table, id, epoch, progress);
  }

  /** Shows that the run's executor is alive; false when it no longer holds the run. */
  heartbeat(id: string, epoch: number): Promise<boolean> {
    return lease.heartbeat(this.table, id, epoch);
  }

  /**
   * Ends the run and releases its holds, in one transaction, if this executor
   * still holds it: a run marked interrupted meanwhile keeps that status.
   */
  finishRun(
    id: string,
    epoch: number,
    outcome: FailoverRunOutcome & { steps: FailoverStep[] },
  ): Promise<void> {
    return lease.finishRun(this.table, id, epoch, outcome);
  }

  /**
   * Marks `interrupted` every unfinished run whose heartbeat is older than
   * `staleMs` by the database's clock (its executor died: a killed or lost
   * backend instance), raising its epoch so that a late executor stops, and
   * releases its holds. `describe` says what the interrupted step may have
   * changed. Returns the runs it marked.
   */
  interruptStaleRuns(
    staleMs: number,
    describe: DescribeInterruption,
  ): Promise<FailoverRun[]> {
    return lease.interruptStaleRuns(this.table, staleMs, describe);
  }

  /**
   * Marks the run `interrupted` if it still has this epoch (the executor's
   * own graceful stop, or a stale run), failing its running step with the
   * message `describe` gives, and releases its holds.
   */
  interrupt(
    id: string,
    epoch: number,
    describe: DescribeInterruption,
  ): Promise<FailoverRun | undefined> {
    return lease.interrupt(this.table, id, epoch, describe);
  }

  // Approvals and cancellation

  /**
   * Parks a run after its pre-flight until other owners approve it: it keeps
   * its holds but no executor (the epoch is raised), and expires at `deadline`.
   */
  awaitApproval(
    id: string,
    epoch: number,
    deadline: Date,
    steps: FailoverStep[],
  ): Promise<void> {
    return approvals.awaitApproval(this.table, id, epoch, deadline, steps);
  }

  /**
   * Records `by`'s approval of a run awaiting it. When the run has all the
   * approvals it needs it becomes `pending` again, for an executor to claim.
   * Throws ConflictError naming why `by` may not approve it.
   */
  approve(
    id: string,
    by: string,
  ): Promise<{ run: FailoverRun; ready: boolean }> {
    return approvals.approve(this.table, id, by);
  }

  /**
   * Cancels a run for `by`: a pending or awaiting one at once (its holds are
   * released); a running one is flagged, and its executor stops between steps.
   * Throws ConflictError when the run has ended.
   */
  cancel(
    id: string,
    by: string,
  ): Promise<{ run: FailoverRun; stopped: boolean }> {
    return approvals.cancel(this.table, id, by);
  }

  /** Whether someone asked a running run to stop. */
  isCancelRequested(id: string): Promise<boolean> {
    return approvals.isCancelRequested(this.table, id);
  }

  /** Marks `expired` the runs still awaiting approval past their deadline, releasing their holds. */
  expireApprovals(): Promise<FailoverRun[]> {
    return approvals.expireApprovals(this.table);
  }
}
