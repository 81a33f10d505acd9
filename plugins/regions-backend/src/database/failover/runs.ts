import {
  FAILOVER_STEP_IDS,
  FailoverCanary,
  FailoverMode,
  FailoverRun,
  FailoverStep,
  FailoverStepId,
} from '@meridian/plugin-regions-common';
import { randomUUID } from 'node:crypto';
import { hold } from './holds';
import {
  parseProgress,
  pendingStep,
  RUNS,
  RunRow,
  RunTable,
  toRun,
  UNFINISHED,
} from './runTable';

/** How many runs a region's list answers at most. */
export const MAX_LISTED_RUNS = 100;

/** What a caller asks for when it starts a run. */
export interface FailoverRunRequest {
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
}

export async function createRun(
  table: RunTable,
  request: FailoverRunRequest,
): Promise<FailoverRun> {
  const now = await table.now();
  const id = randomUUID();
  const approvalsRequired = request.approvalsRequired ?? 0;
  const stepIds: FailoverStepId[] = [...FAILOVER_STEP_IDS];
  if (approvalsRequired > 0) {
    stepIds.splice(1, 0, 'approval');
  }
  const steps = stepIds.map(pendingStep);
  await hold(table, request.holds, id, async tx => {
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
  return (await getRun(table, id))!;
}

export async function getRun(
  table: RunTable,
  id: string,
): Promise<FailoverRun | undefined> {
  const row = await table.db<RunRow>(RUNS).where({ id }).first();
  return row ? toRun(row) : undefined;
}

export async function listRuns(
  table: RunTable,
  regionRef: string,
  since?: Date,
): Promise<FailoverRun[]> {
  const query = table
    .db<RunRow>(RUNS)
    .where(involved =>
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

export async function listUnfinishedRuns(
  table: RunTable,
): Promise<FailoverRun[]> {
  const rows = await table
    .db<RunRow>(RUNS)
    .whereIn('status', UNFINISHED)
    .orderBy('created_at', 'desc')
    .orderBy('id');
  return rows.map(toRun);
}

export async function listSucceededPromotions(
  table: RunTable,
  since: Date,
): Promise<FailoverRun[]> {
  const rows = await table
    .db<RunRow>(RUNS)
    .where({ status: 'succeeded', dry_run: false })
    .whereIn('mode', ['switchover', 'failover', 'detected'])
    .andWhere('finished_at', '>=', since)
    .orderBy('finished_at', 'desc');
  return rows.map(toRun);
}

export async function getProgress<P>(
  table: RunTable,
  id: string,
): Promise<P | undefined> {
  const row = await table.db<RunRow>(RUNS).where({ id }).first('progress');
  return parseProgress<P>(row?.progress ?? null);
}

export async function appendStep(
  table: RunTable,
  id: string,
  step: FailoverStep,
  dataLossBytes?: number,
): Promise<void> {
  await table.db.transaction(async tx => {
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
