import { ConflictError } from '@backstage/errors';
import {
  FailoverFence,
  FailoverPreflightCheck,
  FailoverRun,
  FailoverRunStatus,
  FailoverStep,
} from '@meridian/plugin-regions-common';
import { hold, releaseHolds } from './holds';
import {
  EXECUTING,
  parseProgress,
  RUNS,
  RunRow,
  RunTable,
  toRun,
} from './runTable';

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

/** What an executor saves of a run between its side effects. */
export interface FailoverRunProgress<P> {
  preflight?: FailoverPreflightCheck[];
  steps: FailoverStep[];
  dataLossBytes?: number | null;
  fence?: FailoverFence;
  progress?: P;
}

/** Says what the interrupted step of a run may have changed. */
export type DescribeInterruption = (
  run: FailoverRun,
  current?: FailoverStep,
) => string;

/** A write of an executor whose lease was taken over (or whose run ended) meanwhile. */
export class LeaseLostError extends Error {
  constructor(id: string, epoch: number) {
    super(
      `failover run ${id} is no longer held by this executor (lease epoch ${epoch}): it stops before its next change`,
    );
  }
}

/** A run as its executor needs it: the run, its lease and its persisted progress. */
export interface ClaimedRun<P> {
  run: FailoverRun;
  epoch: number;
  progress: P | undefined;
}

export async function claim<P>(
  table: RunTable,
  id: string,
): Promise<ClaimedRun<P> | undefined> {
  return table.db.transaction(async tx => {
    const row = await tx<RunRow>(RUNS).where({ id, status: 'pending' }).first();
    if (!row) {
      return undefined;
    }
    const epoch = row.lease_epoch + 1;
    const updated = await tx(RUNS)
      .where({ id, status: 'pending', lease_epoch: row.lease_epoch })
      .update({
        status: 'running',
        lease_epoch: epoch,
        heartbeat_at: table.clock(),
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

export async function resume<P>(
  table: RunTable,
  id: string,
  holds: string[],
): Promise<ClaimedRun<P>> {
  let claimed: ClaimedRun<P> | undefined;
  await hold(table, holds, id, async tx => {
    const row = await tx<RunRow>(RUNS).where({ id }).first();
    if (!row || row.status !== 'interrupted') {
      throw new ConflictError(
        `failover run ${id} is ${
          row?.status ?? 'unknown'
        }: only an interrupted run can be resumed`,
      );
    }
    const epoch = row.lease_epoch + 1;
    const resumed = {
      status: 'running' as const,
      finished_at: null,
      error: null,
      resumes: row.resumes + 1,
    };
    await tx(RUNS)
      .where({ id, lease_epoch: row.lease_epoch })
      .update({ ...resumed, lease_epoch: epoch, heartbeat_at: table.clock() });
    claimed = {
      run: toRun({ ...row, ...resumed }),
      epoch,
      progress: parseProgress<P>(row.progress),
    };
  });
  return claimed!;
}

export async function saveProgress<P>(
  table: RunTable,
  id: string,
  epoch: number,
  progress: FailoverRunProgress<P>,
): Promise<void> {
  const updated = await table
    .db(RUNS)
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
      heartbeat_at: table.clock(),
    });
  if (!updated) {
    throw new LeaseLostError(id, epoch);
  }
}

export async function heartbeat(
  table: RunTable,
  id: string,
  epoch: number,
): Promise<boolean> {
  const updated = await table
    .db(RUNS)
    .where({ id, lease_epoch: epoch, status: 'running' })
    .update({ heartbeat_at: table.clock() });
  return updated > 0;
}

export async function finishRun(
  table: RunTable,
  id: string,
  epoch: number,
  outcome: FailoverRunOutcome & { steps: FailoverStep[] },
): Promise<void> {
  await table.db.transaction(async tx => {
    const updated = await tx(RUNS)
      .where({ id, lease_epoch: epoch })
      .whereIn('status', EXECUTING)
      .update({
        status: outcome.status,
        error: outcome.error ?? null,
        steps: JSON.stringify(outcome.steps),
        finished_at: table.clock(),
        heartbeat_at: table.clock(),
        ...(outcome.rtoMs !== undefined ? { rto_ms: outcome.rtoMs } : {}),
        ...(outcome.dataLossBytes !== undefined
          ? { data_loss_bytes: outcome.dataLossBytes }
          : {}),
      });
    if (!updated) {
      throw new LeaseLostError(id, epoch);
    }
    await releaseHolds(tx, id);
  });
}

export async function interruptStaleRuns(
  table: RunTable,
  staleMs: number,
  describe: DescribeInterruption,
): Promise<FailoverRun[]> {
  const staleBefore = new Date((await table.now()).getTime() - staleMs);
  const rows = await table
    .db<RunRow>(RUNS)
    .whereIn('status', EXECUTING)
    .andWhere('heartbeat_at', '<', staleBefore);
  const interrupted: FailoverRun[] = [];
  for (const row of rows) {
    const run = await interrupt(
      table,
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

export async function interrupt(
  table: RunTable,
  id: string,
  epoch: number,
  describe: DescribeInterruption,
  staleBefore?: Date,
): Promise<FailoverRun | undefined> {
  return table.db.transaction(async tx => {
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
    const now = await table.now(tx);
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
      finished_at: table.clock(),
    });
    if (!updated) {
      return undefined;
    }
    await releaseHolds(tx, id);
    return {
      ...run,
      status: 'interrupted' as const,
      error,
      steps,
      finishedAt: now.toISOString(),
    };
  });
}
