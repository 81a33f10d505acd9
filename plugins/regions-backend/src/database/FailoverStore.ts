import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  FAILOVER_STEP_IDS,
  FailoverApproval,
  FailoverCanary,
  FailoverDetection,
  FailoverFence,
  FailoverMode,
  FailoverPreflightCheck,
  FailoverRun,
  FailoverRunMode,
  FailoverRunStatus,
  FailoverStep,
  FailoverStepId,
} from '@meridian/plugin-regions-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { toDate } from './rows';

const migrationsDir = resolvePackagePath(
  '@meridian/plugin-regions-backend',
  'migrations',
);

const RUNS = 'region_failover_runs';
const HOLDS = 'region_failover_holds';
/** Statuses of a run that holds its regions and nodes. */
const UNFINISHED: FailoverRunStatus[] = [
  'pending',
  'running',
  'awaiting-approval',
];
/** Statuses of a run an executor holds (heartbeats), or is about to. */
const EXECUTING: FailoverRunStatus[] = ['pending', 'running'];

/** How many runs a region's list answers at most. */
export const MAX_LISTED_RUNS = 100;

/** Titles of the recorded steps, as the run shows them. */
export const FAILOVER_STEP_TITLES: Record<FailoverStepId, string> = {
  preflight: 'Pre-flight checks',
  fence: 'Fence the old primary',
  promote: 'Promote the target',
  'switch-traffic': 'Switch traffic',
  verify: 'Verify writes and fencing',
  record: 'Record RTO and data loss',
  approval: 'Approval by other owners',
  're-fence': 'Fence the old primary again',
  detected: 'Promotion observed',
};

/** The hold a run takes on a database node, next to those on its regions. */
export function databaseHold(name: string): string {
  return `database:${name}`;
}

/** What a run records when it ends. */
export interface FailoverRunOutcome {
  status: Exclude<
    FailoverRunStatus,
    'pending' | 'running' | 'awaiting-approval' | 'expired'
  >;
  error?: string;
  rtoMs?: number | null;
  dataLossBytes?: number | null;
}

/** A write of an executor whose lease was taken over (or whose run ended) meanwhile. */
export class LeaseLostError extends Error {
  constructor(id: string, epoch: number) {
    super(
      `failover run ${id} is no longer held by this executor (lease epoch ${epoch}): it stops before its next change`,
    );
  }
}

type RunRow = {
  id: string;
  region_ref: string;
  target_ref: string;
  mode: FailoverRunMode;
  dry_run: boolean | number;
  force: boolean | number;
  status: FailoverRunStatus;
  created_by: string;
  created_at: Date | string | number;
  finished_at: Date | string | number | null;
  heartbeat_at: Date | string | number;
  preflight: string;
  steps: string;
  rto_ms: number | null;
  data_loss_bytes: string | number | null;
  error: string | null;
  lease_epoch: number;
  source_fenced: string | null;
  fence: string | null;
  progress: string | null;
  resumes: number;
  approvals_required: number;
  approvals: string;
  approval_deadline: Date | string | number | null;
  cancelled_by: string | null;
  cancel_requested: boolean | number;
  detection: string | null;
  canary: string | null;
};

/** A run as its executor needs it: the run, its lease and its persisted progress. */
export interface ClaimedRun<P> {
  run: FailoverRun;
  epoch: number;
  progress: P | undefined;
}

// Matched on the message: better-sqlite3's errors fail instanceof checks when
// the native module is loaded twice (e.g. by two test files in one worker).
const UNIQUE_VIOLATION =
  /UNIQUE constraint failed|duplicate key value violates unique constraint/;

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
 */
export class FailoverStore {
  /** Connects to the plugin's database and brings its schema up to date. */
  static async create(options: {
    database: DatabaseService;
  }): Promise<FailoverStore> {
    const { database } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new FailoverStore(client);
  }

  private readonly isPostgres: boolean;

  private constructor(private readonly db: Knex) {
    this.isPostgres = db.client.config.client === 'pg';
  }

  /**
   * Records a new `pending` run with every step pending, holding `holds` (its
   * regions and database nodes). Throws a ConflictError naming the run in
   * progress when another unfinished run holds any of them.
   */
  async createRun(request: {
    region: string;
    target: string;
    mode: FailoverMode;
    dryRun: boolean;
    force: boolean;
    sourceFenced?: string;
    canary?: FailoverCanary;
    createdBy: string;
    holds: string[];
    /** How many approvals of other owners the run needs. */
    approvalsRequired?: number;
  }): Promise<FailoverRun> {
    const now = await this.now();
    const id = randomUUID();
    const approvalsRequired = request.approvalsRequired ?? 0;
    const stepIds: FailoverStepId[] = [...FAILOVER_STEP_IDS];
    if (approvalsRequired > 0) {
      stepIds.splice(1, 0, 'approval');
    }
    const steps = stepIds.map(pendingStep);
    await this.hold(request.holds, id, async tx => {
      await tx(RUNS).insert({
        id,
        region_ref: request.region,
        target_ref: request.target,
        mode: request.mode,
        dry_run: request.dryRun,
        force: request.force,
        status: 'pending',
        created_by: request.createdBy,
        created_at: now,
        heartbeat_at: now,
        preflight: '[]',
        steps: JSON.stringify(steps),
        source_fenced: request.sourceFenced ?? null,
        approvals_required: approvalsRequired,
        canary: request.canary ? JSON.stringify(request.canary) : null,
      });
    });
    return (await this.getRun(id))!;
  }

  /**
   * Parks a run after its pre-flight until other owners approve it: it keeps
   * its holds but no executor (the epoch is raised), and expires at `deadline`.
   */
  async awaitApproval(
    id: string,
    epoch: number,
    deadline: Date,
    steps: FailoverStep[],
  ): Promise<void> {
    const updated = await this.db(RUNS)
      .where({ id, lease_epoch: epoch, status: 'running' })
      .update({
        status: 'awaiting-approval',
        lease_epoch: epoch + 1,
        approval_deadline: deadline,
        steps: JSON.stringify(steps),
        heartbeat_at: this.clock(),
      });
    if (!updated) {
      throw new LeaseLostError(id, epoch);
    }
  }

  /**
   * Records `by`'s approval of a run awaiting it. When the run has all the
   * approvals it needs it becomes `pending` again, for an executor to claim.
   * Throws ConflictError naming why `by` may not approve it.
   */
  async approve(
    id: string,
    by: string,
  ): Promise<{ run: FailoverRun; ready: boolean }> {
    return this.db.transaction(async tx => {
      const row = await tx<RunRow>(RUNS)
        .where({ id })
        .modify(this.lockForUpdate)
        .first();
      if (!row || row.status !== 'awaiting-approval') {
        throw new ConflictError(
          `failover run ${id} is ${
            row?.status ?? 'unknown'
          }: only a run awaiting approval can be approved`,
        );
      }
      if (row.created_by === by) {
        throw new ConflictError(
          `${by} started failover run ${id}: another owner must approve it`,
        );
      }
      const approvals: FailoverApproval[] = JSON.parse(row.approvals);
      if (approvals.some(approval => approval.by === by)) {
        throw new ConflictError(
          `${by} has already approved failover run ${id}`,
        );
      }
      approvals.push({ by, at: (await this.now()).toISOString() });
      const ready = approvals.length >= row.approvals_required;
      await tx(RUNS)
        .where({ id })
        .update({
          approvals: JSON.stringify(approvals),
          ...(ready ? { status: 'pending', heartbeat_at: this.clock() } : {}),
        });
      return {
        run: toRun({
          ...row,
          approvals: JSON.stringify(approvals),
          status: ready ? 'pending' : row.status,
        }),
        ready,
      };
    });
  }

  /**
   * Cancels a run for `by`: a pending or awaiting one at once (its holds are
   * released); a running one is flagged, and its executor stops between steps.
   * Throws ConflictError when the run has ended.
   */
  async cancel(
    id: string,
    by: string,
  ): Promise<{ run: FailoverRun; stopped: boolean }> {
    return this.db.transaction(async tx => {
      const row = await tx<RunRow>(RUNS)
        .where({ id })
        .modify(this.lockForUpdate)
        .first();
      if (!row || !UNFINISHED.includes(row.status)) {
        throw new ConflictError(
          `failover run ${id} is ${row?.status ?? 'unknown'}: it has ended`,
        );
      }
      if (row.status === 'running') {
        await tx(RUNS)
          .where({ id })
          .update({ cancel_requested: true, cancelled_by: by });
        return {
          run: toRun({ ...row, cancelled_by: by }),
          stopped: false,
        };
      }
      const now = await this.now();
      const error = `cancelled by ${by} before it changed anything`;
      const steps = (JSON.parse(row.steps) as FailoverStep[]).map(step =>
        step.status === 'pending' || step.status === 'running'
          ? skipped(step, now, error)
          : step,
      );
      await tx(RUNS)
        .where({ id })
        .update({
          status: 'cancelled',
          cancelled_by: by,
          error,
          steps: JSON.stringify(steps),
          finished_at: now,
          lease_epoch: row.lease_epoch + 1,
        });
      await tx(HOLDS).where({ run_id: id }).delete();
      return {
        run: toRun({
          ...row,
          status: 'cancelled',
          cancelled_by: by,
          error,
          steps: JSON.stringify(steps),
          finished_at: now,
        }),
        stopped: true,
      };
    });
  }

  /** Whether someone asked a running run to stop. */
  async isCancelRequested(id: string): Promise<boolean> {
    const row = await this.db<RunRow>(RUNS)
      .where({ id })
      .first('cancel_requested');
    return Boolean(row?.cancel_requested);
  }

  /** Marks `expired` the runs still awaiting approval past their deadline, releasing their holds. */
  async expireApprovals(): Promise<FailoverRun[]> {
    const now = await this.now();
    const rows = await this.db<RunRow>(RUNS)
      .where({ status: 'awaiting-approval' })
      .andWhere('approval_deadline', '<', now);
    const expired: FailoverRun[] = [];
    for (const row of rows) {
      const approvals: FailoverApproval[] = JSON.parse(row.approvals);
      const error = `expired at ${toDate(
        row.approval_deadline!,
      ).toISOString()} with ${approvals.length} of ${
        row.approvals_required
      } approval(s): nothing was changed`;
      const steps = (JSON.parse(row.steps) as FailoverStep[]).map(step =>
        step.status === 'pending' || step.status === 'running'
          ? skipped(step, now, error)
          : step,
      );
      const updated = await this.db.transaction(async tx => {
        const count = await tx(RUNS)
          .where({ id: row.id, status: 'awaiting-approval' })
          .update({
            status: 'expired',
            error,
            steps: JSON.stringify(steps),
            finished_at: now,
          });
        if (count) {
          await tx(HOLDS).where({ run_id: row.id }).delete();
        }
        return count;
      });
      if (updated) {
        expired.push(
          toRun({
            ...row,
            status: 'expired',
            error,
            steps: JSON.stringify(steps),
            finished_at: now,
          }),
        );
      }
    }
    return expired;
  }

  /**
   * Records a promotion Meridian observed but did not make, as a finished run
   * of mode `detected`: who knows what promoted it, when, how long writes were
   * unavailable and what was lost, as far as the evidence goes.
   */
  async recordDetectedRun(detected: {
    region: string;
    target: string;
    detection: FailoverDetection;
    promotedBy: string;
    rtoMs: number | null;
    dataLossBytes: number | null;
    progress: { sourceNode?: string; targetNode: string };
  }): Promise<FailoverRun> {
    const id = randomUUID();
    const at = new Date(detected.detection.promotedAt);
    const step: FailoverStep = {
      ...pendingStep('detected'),
      status: 'succeeded',
      startedAt: at.toISOString(),
      finishedAt: at.toISOString(),
      log: detected.detection.evidence.map(message => ({
        t: at.toISOString(),
        message,
      })),
    };
    await this.db(RUNS).insert({
      id,
      region_ref: detected.region,
      target_ref: detected.target,
      mode: 'detected',
      dry_run: false,
      force: false,
      status: 'succeeded',
      created_by: detected.promotedBy,
      created_at: at,
      finished_at: await this.now(),
      heartbeat_at: this.clock(),
      preflight: '[]',
      steps: JSON.stringify([step]),
      rto_ms: detected.rtoMs,
      data_loss_bytes: detected.dataLossBytes,
      detection: JSON.stringify(detected.detection),
      progress: JSON.stringify({ changed: [], ...detected.progress }),
    });
    return (await this.getRun(id))!;
  }

  /**
   * Detected runs since `since` that do not say yet what promoted them, with
   * the node that was promoted: Patroni writes its history up to a
   * `loop_wait` after the promotion, often after the run was recorded.
   */
  async listDetectedRunsWithoutPromoter(
    since: Date,
  ): Promise<{ run: FailoverRun; targetNode?: string }[]> {
    const rows = await this.db<RunRow>(RUNS)
      .where({ mode: 'detected' })
      .andWhere('created_at', '>=', since);
    return rows
      .map(row => ({
        run: toRun(row),
        targetNode: parseProgress<{ targetNode?: string }>(row.progress)
          ?.targetNode,
      }))
      .filter(({ run }) => run.detection && !run.detection.promotedBy);
  }

  /** Adds what became known of a detected promotion: who made it, and how Meridian knows. */
  async reviseDetection(
    runId: string,
    revision: { promotedBy: string; evidence: string[]; promotedAt?: string },
  ): Promise<void> {
    const row = await this.db<RunRow>(RUNS)
      .where({ id: runId, mode: 'detected' })
      .first();
    if (!row?.detection) {
      return;
    }
    const detection: FailoverDetection = JSON.parse(row.detection);
    const revised: FailoverDetection = {
      ...detection,
      promotedBy: revision.promotedBy,
      ...(revision.promotedAt && detection.promotedAtFrom === 'samples'
        ? { promotedAt: revision.promotedAt, promotedAtFrom: 'node' }
        : {}),
      evidence: [
        ...detection.evidence,
        ...revision.evidence.filter(line => !detection.evidence.includes(line)),
      ],
    };
    await this.db(RUNS)
      .where({ id: runId })
      .update({
        detection: JSON.stringify(revised),
        created_by: revision.promotedBy,
      });
  }

  /** Whether a detected run already records the promotion of `target` to `timeline`. */
  async hasDetectedRun(target: string, timeline: number | null) {
    const rows = await this.db<RunRow>(RUNS)
      .where({ target_ref: target, mode: 'detected' })
      .select('detection');
    return rows.some(
      row => JSON.parse(row.detection ?? '{}').timeline === timeline,
    );
  }

  async getRun(id: string): Promise<FailoverRun | undefined> {
    const row = await this.db<RunRow>(RUNS).where({ id }).first();
    return row ? toRun(row) : undefined;
  }

  /**
   * Runs where the region is the source or the target, newest first; only
   * those created since `since` when given (the readiness drill check).
   */
  async listRuns(regionRef: string, since?: Date): Promise<FailoverRun[]> {
    const query = this.db<RunRow>(RUNS).where(involved =>
      involved
        .where({ region_ref: regionRef })
        .orWhere({ target_ref: regionRef }),
    );
    if (since) {
      query.andWhere('created_at', '>=', since);
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(MAX_LISTED_RUNS);
    return rows.map(toRun);
  }

  /**
   * Every run not over yet (pending, awaiting approval, running), newest
   * first. Holds allow one such run per region, so the list is bounded by
   * the number of regions.
   */
  async listUnfinishedRuns(): Promise<FailoverRun[]> {
    const rows = await this.db<RunRow>(RUNS)
      .whereIn('status', UNFINISHED)
      .orderBy('created_at', 'desc')
      .orderBy('id');
    return rows.map(toRun);
  }

  /**
   * Claims a `pending` run for execution: raises its lease epoch and marks it
   * `running`. Undefined when it is not pending (another executor has it).
   */
  async claim<P>(id: string): Promise<ClaimedRun<P> | undefined> {
    return this.db.transaction(async tx => {
      const row = await tx<RunRow>(RUNS)
        .where({ id, status: 'pending' })
        .first();
      if (!row) {
        return undefined;
      }
      const epoch = row.lease_epoch + 1;
      const updated = await tx(RUNS)
        .where({ id, status: 'pending', lease_epoch: row.lease_epoch })
        .update({
          status: 'running',
          lease_epoch: epoch,
          heartbeat_at: this.clock(),
        });
      return updated
        ? {
            run: toRun({ ...row, status: 'running' }),
            epoch,
            progress: parseProgress<P>(row.progress),
          }
        : undefined;
    });
  }

  /**
   * Takes an `interrupted` run up again: holds its regions and nodes anew
   * (ConflictError while another run holds one), raises its epoch and marks it
   * `running`. Throws a ConflictError naming why it cannot be resumed.
   */
  async resume<P>(id: string, holds: string[]): Promise<ClaimedRun<P>> {
    let claimed: ClaimedRun<P> | undefined;
    await this.hold(holds, id, async tx => {
      const row = await tx<RunRow>(RUNS).where({ id }).first();
      if (!row || row.status !== 'interrupted') {
        throw new ConflictError(
          `failover run ${id} is ${
            row?.status ?? 'unknown'
          }: only an interrupted run can be resumed`,
        );
      }
      const epoch = row.lease_epoch + 1;
      await tx(RUNS)
        .where({ id, lease_epoch: row.lease_epoch })
        .update({
          status: 'running',
          lease_epoch: epoch,
          heartbeat_at: this.clock(),
          finished_at: null,
          error: null,
          resumes: row.resumes + 1,
        });
      claimed = {
        run: toRun({
          ...row,
          status: 'running',
          finished_at: null,
          error: null,
          resumes: row.resumes + 1,
        }),
        epoch,
        progress: parseProgress<P>(row.progress),
      };
    });
    return claimed!;
  }

  /**
   * Saves the run's progress and refreshes its heartbeat, if this executor
   * still holds the run; throws LeaseLostError otherwise.
   */
  async saveProgress<P>(
    id: string,
    epoch: number,
    progress: {
      preflight?: FailoverPreflightCheck[];
      steps: FailoverStep[];
      dataLossBytes?: number | null;
      fence?: FailoverFence;
      progress?: P;
    },
  ): Promise<void> {
    const updated = await this.db(RUNS)
      .where({ id, lease_epoch: epoch, status: 'running' })
      .update({
        ...(progress.preflight
          ? { preflight: JSON.stringify(progress.preflight) }
          : {}),
        ...(progress.dataLossBytes !== undefined
          ? { data_loss_bytes: progress.dataLossBytes }
          : {}),
        ...(progress.fence ? { fence: JSON.stringify(progress.fence) } : {}),
        ...(progress.progress !== undefined
          ? { progress: JSON.stringify(progress.progress) }
          : {}),
        steps: JSON.stringify(progress.steps),
        heartbeat_at: this.clock(),
      });
    if (!updated) {
      throw new LeaseLostError(id, epoch);
    }
  }

  /** Shows that the run's executor is alive; false when it no longer holds the run. */
  async heartbeat(id: string, epoch: number): Promise<boolean> {
    const updated = await this.db(RUNS)
      .where({ id, lease_epoch: epoch, status: 'running' })
      .update({ heartbeat_at: this.clock() });
    return updated > 0;
  }

  /**
   * Ends the run and releases its holds, in one transaction, if this executor
   * still holds it: a run marked interrupted meanwhile keeps that status.
   */
  async finishRun(
    id: string,
    epoch: number,
    outcome: FailoverRunOutcome & { steps: FailoverStep[] },
  ): Promise<void> {
    await this.db.transaction(async tx => {
      const updated = await tx(RUNS)
        .where({ id, lease_epoch: epoch })
        .whereIn('status', EXECUTING)
        .update({
          status: outcome.status,
          error: outcome.error ?? null,
          steps: JSON.stringify(outcome.steps),
          finished_at: this.clock(),
          heartbeat_at: this.clock(),
          ...(outcome.rtoMs !== undefined ? { rto_ms: outcome.rtoMs } : {}),
          ...(outcome.dataLossBytes !== undefined
            ? { data_loss_bytes: outcome.dataLossBytes }
            : {}),
        });
      if (!updated) {
        throw new LeaseLostError(id, epoch);
      }
      await tx(HOLDS).where({ run_id: id }).delete();
    });
  }

  /**
   * Marks `interrupted` every unfinished run whose heartbeat is older than
   * `staleMs` by the database's clock (its executor died: a killed or lost
   * backend instance), raising its epoch so that a late executor stops, and
   * releases its holds. `describe` says what the interrupted step may have
   * changed. Returns the runs it marked.
   */
  async interruptStaleRuns(
    staleMs: number,
    describe: (run: FailoverRun, current?: FailoverStep) => string,
  ): Promise<FailoverRun[]> {
    const staleBefore = new Date((await this.now()).getTime() - staleMs);
    const rows = await this.db<RunRow>(RUNS)
      .whereIn('status', EXECUTING)
      .andWhere('heartbeat_at', '<', staleBefore);
    const interrupted: FailoverRun[] = [];
    for (const row of rows) {
      const run = await this.interrupt(
        row.id,
        row.lease_epoch,
        describe,
        staleBefore,
      );
      if (run) {
        interrupted.push(run);
      }
    }
    return interrupted;
  }

  /**
   * Marks the run `interrupted` if it still has this epoch (the executor's
   * own graceful stop, or a stale run), failing its running step with the
   * message `describe` gives, and releases its holds.
   */
  async interrupt(
    id: string,
    epoch: number,
    describe: (run: FailoverRun, current?: FailoverStep) => string,
    staleBefore?: Date,
  ): Promise<FailoverRun | undefined> {
    return this.db.transaction(async tx => {
      const row = await tx<RunRow>(RUNS)
        .where({ id, lease_epoch: epoch })
        .whereIn('status', EXECUTING)
        .first();
      if (!row) {
        return undefined;
      }
      const run = toRun(row);
      const current = run.steps.find(step => step.status === 'running');
      const error = describe(run, current);
      const now = await this.now();
      const steps = run.steps.map(step =>
        step === current
          ? {
              ...step,
              status: 'failed' as const,
              finishedAt: now.toISOString(),
              error,
            }
          : step,
      );
      const update = tx(RUNS)
        .where({ id, lease_epoch: epoch })
        .whereIn('status', EXECUTING);
      if (staleBefore) {
        // a heartbeat that came in meanwhile keeps the run alive
        update.andWhere('heartbeat_at', '<', staleBefore);
      }
      const updated = await update.update({
        status: 'interrupted',
        lease_epoch: epoch + 1,
        error,
        steps: JSON.stringify(steps),
        finished_at: this.clock(),
      });
      if (!updated) {
        return undefined;
      }
      await tx(HOLDS).where({ run_id: id }).delete();
      return {
        ...run,
        status: 'interrupted' as const,
        error,
        steps,
        finishedAt: now.toISOString(),
      };
    });
  }

  /** Which unfinished run holds any of these regions or nodes, in words; undefined when none does. */
  async holderOf(holds: string[]): Promise<string | undefined> {
    const row = await this.db(HOLDS)
      .whereIn('resource', holds)
      .first<{ resource: string; run_id: string } | undefined>();
    return row
      ? `failover run ${row.run_id} is in progress for ${row.resource}`
      : undefined;
  }

  /**
   * The promotions (switchovers, failovers, detected runs) that ended
   * `succeeded` since `since`, newest first: who is the legitimate primary.
   */
  async listSucceededPromotions(since: Date): Promise<FailoverRun[]> {
    const rows = await this.db<RunRow>(RUNS)
      .where({ status: 'succeeded', dry_run: false })
      .whereIn('mode', ['switchover', 'failover', 'detected'])
      .andWhere('finished_at', '>=', since)
      .orderBy('finished_at', 'desc');
    return rows.map(toRun);
  }

  /** The persisted progress of a run, whatever its state. */
  async getProgress<P>(id: string): Promise<P | undefined> {
    const row = await this.db<RunRow>(RUNS).where({ id }).first('progress');
    return parseProgress<P>(row?.progress ?? null);
  }

  /**
   * Appends a step to a finished run (the split-brain guard's re-fence), and
   * raises its data loss to `dataLossBytes` when that is more.
   */
  async appendStep(
    id: string,
    step: FailoverStep,
    dataLossBytes?: number,
  ): Promise<void> {
    await this.db.transaction(async tx => {
      const row = await tx<RunRow>(RUNS).where({ id }).first();
      if (!row) {
        return;
      }
      const steps: FailoverStep[] = [...JSON.parse(row.steps), step];
      const recorded =
        row.data_loss_bytes === null ? null : Number(row.data_loss_bytes);
      await tx(RUNS)
        .where({ id })
        .update({
          steps: JSON.stringify(steps),
          ...(dataLossBytes !== undefined &&
          (recorded === null || dataLossBytes > recorded)
            ? { data_loss_bytes: dataLossBytes }
            : {}),
        });
    });
  }

  /**
   * Inserts `holds` for the run with `write` in one transaction; a ConflictError
   * naming the holder when another run holds any of them.
   */
  private async hold(
    holds: string[],
    runId: string,
    write: (tx: Knex.Transaction) => Promise<void>,
  ) {
    const unique = [...new Set(holds)];
    try {
      await this.db.transaction(async tx => {
        await write(tx);
        await tx(HOLDS).insert(
          unique.map(resource => ({ resource, run_id: runId })),
        );
      });
    } catch (error) {
      if (!UNIQUE_VIOLATION.test(String((error as Error)?.message))) {
        throw error;
      }
      const holder = await this.db(HOLDS)
        .whereIn('resource', unique)
        .first<{ resource: string; run_id: string } | undefined>();
      throw new ConflictError(
        holder
          ? `failover run ${holder.run_id} is in progress for ${holder.resource}; wait for it to finish`
          : `another failover run was in progress for ${unique.join(
              ' or ',
            )}; try again`,
      );
    }
  }

  /** Locks the rows read in a transaction, where the engine can (SQLite serializes anyway). */
  private readonly lockForUpdate = (query: Knex.QueryBuilder) => {
    if (this.isPostgres) {
      query.forUpdate();
    }
  };

  /** The database's time: heartbeats of several hosts compare on one clock. */
  private async now(): Promise<Date> {
    if (this.isPostgres) {
      const result = await this.db.raw('SELECT now() AS now');
      return new Date(result.rows[0].now);
    }
    return new Date(); // SQLite lives in one process: its host's clock is the only one
  }

  /** The database's time as a value to write. */
  private clock(): Knex.Raw | Date {
    return this.isPostgres ? this.db.fn.now() : new Date();
  }
}

function pendingStep(id: FailoverStepId): FailoverStep {
  return {
    id,
    title: FAILOVER_STEP_TITLES[id],
    status: 'pending',
    startedAt: null,
    finishedAt: null,
    log: [],
  };
}

function skipped(step: FailoverStep, now: Date, why: string): FailoverStep {
  return {
    ...step,
    status: 'skipped',
    startedAt: step.startedAt ?? now.toISOString(),
    finishedAt: now.toISOString(),
    log: [...step.log, { t: now.toISOString(), message: why }],
  };
}

function parseProgress<P>(text: string | null): P | undefined {
  return text ? (JSON.parse(text) as P) : undefined;
}

function toRun(row: RunRow): FailoverRun {
  return {
    id: row.id,
    region: row.region_ref,
    target: row.target_ref,
    mode: row.mode,
    dryRun: Boolean(row.dry_run),
    force: Boolean(row.force),
    status: row.status,
    createdBy: row.created_by,
    createdAt: toDate(row.created_at).toISOString(),
    finishedAt: row.finished_at ? toDate(row.finished_at).toISOString() : null,
    steps: JSON.parse(row.steps),
    preflight: JSON.parse(row.preflight),
    rtoMs: row.rto_ms,
    dataLossBytes:
      row.data_loss_bytes === null ? null : Number(row.data_loss_bytes),
    resumes: row.resumes ?? 0,
    approvalsRequired: row.approvals_required ?? 0,
    approvals: JSON.parse(row.approvals ?? '[]'),
    ...(row.approval_deadline
      ? { approvalDeadline: toDate(row.approval_deadline).toISOString() }
      : {}),
    ...(row.cancelled_by ? { cancelledBy: row.cancelled_by } : {}),
    ...(row.detection ? { detection: JSON.parse(row.detection) } : {}),
    ...(row.canary ? { canary: JSON.parse(row.canary) } : {}),
    ...(row.error ? { error: row.error } : {}),
    ...(row.source_fenced ? { sourceFenced: row.source_fenced } : {}),
    ...(row.fence ? { fence: JSON.parse(row.fence) } : {}),
  };
}
