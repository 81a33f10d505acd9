import { ConflictError } from '@backstage/errors';
import {
  FailoverApproval,
  FailoverRun,
  FailoverStep,
} from '@meridian/plugin-regions-common';
import { toDate } from '../rows';
import { LeaseLostError } from './executorLease';
import { releaseHolds } from './holds';
import {
  RUNS,
  RunRow,
  RunTable,
  skipUnfinishedSteps,
  toRun,
  UNFINISHED,
} from './runTable';

export async function awaitApproval(
  table: RunTable,
  id: string,
  epoch: number,
  deadline: Date,
  steps: FailoverStep[],
): Promise<void> {
  const updated = await table
    .db(RUNS)
    .where({ id, lease_epoch: epoch, status: 'running' })
    .update({
      status: 'awaiting-approval',
      lease_epoch: epoch + 1,
      approval_deadline: deadline,
      steps: JSON.stringify(steps),
      heartbeat_at: table.clock(),
    });
  if (!updated) {
    throw new LeaseLostError(id, epoch);
  }
}

export async function approve(
  table: RunTable,
  id: string,
  by: string,
): Promise<{ run: FailoverRun; ready: boolean }> {
  return table.db.transaction(async tx => {
    const row = await tx<RunRow>(RUNS)
      .where({ id })
      .modify(table.lockForUpdate)
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
      throw new ConflictError(`${by} has already approved failover run ${id}`);
    }
    approvals.push({ by, at: (await table.now(tx)).toISOString() });
    const ready = approvals.length >= row.approvals_required;
    await tx(RUNS)
      .where({ id })
      .update({
        approvals: JSON.stringify(approvals),
        ...(ready ? { status: 'pending', heartbeat_at: table.clock() } : {}),
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

export async function cancel(
  table: RunTable,
  id: string,
  by: string,
): Promise<{ run: FailoverRun; stopped: boolean }> {
  return table.db.transaction(async tx => {
    const row = await tx<RunRow>(RUNS)
      .where({ id })
      .modify(table.lockForUpdate)
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
      return { run: toRun({ ...row, cancelled_by: by }), stopped: false };
    }
    const now = await table.now(tx);
    const error = `cancelled by ${by} before it changed anything`;
    const cancelled = {
      status: 'cancelled' as const,
      cancelled_by: by,
      error,
      steps: JSON.stringify(skipUnfinishedSteps(row.steps, now, error)),
      finished_at: now,
    };
    await tx(RUNS)
      .where({ id })
      .update({ ...cancelled, lease_epoch: row.lease_epoch + 1 });
    await releaseHolds(tx, id);
    return { run: toRun({ ...row, ...cancelled }), stopped: true };
  });
}

export async function isCancelRequested(
  table: RunTable,
  id: string,
): Promise<boolean> {
  const row = await table
    .db<RunRow>(RUNS)
    .where({ id })
    .first('cancel_requested');
  return Boolean(row?.cancel_requested);
}

export async function expireApprovals(table: RunTable): Promise<FailoverRun[]> {
  const now = await table.now();
  const rows = await table
    .db<RunRow>(RUNS)
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
    const ended = {
      status: 'expired' as const,
      error,
      steps: JSON.stringify(skipUnfinishedSteps(row.steps, now, error)),
      finished_at: now,
    };
    const updated = await table.db.transaction(async tx => {
      const count = await tx(RUNS)
        .where({ id: row.id, status: 'awaiting-approval' })
        .update(ended);
      if (count) {
        await releaseHolds(tx, row.id);
      }
      return count;
    });
    if (updated) {
      expired.push(toRun({ ...row, ...ended }));
    }
  }
  return expired;
}
