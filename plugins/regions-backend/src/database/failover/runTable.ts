import {
  FailoverRun,
  FailoverRunMode,
  FailoverRunStatus,
  FailoverStep,
  FailoverStepId,
} from '@meridian/plugin-regions-common';
import { Knex } from 'knex';
import { TimestampValue, toDate } from '../rows';

export const RUNS = 'region_failover_runs';
export const HOLDS = 'region_failover_holds';
/** Statuses of a run that holds its regions and nodes. */
export const UNFINISHED: FailoverRunStatus[] = [
  'pending',
  'running',
  'awaiting-approval',
];
/** Statuses of a run an executor holds (heartbeats), or is about to. */
export const EXECUTING: FailoverRunStatus[] = ['pending', 'running'];

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

export type RunRow = {
  id: string;
  region_ref: string;
  target_ref: string;
  mode: FailoverRunMode;
  dry_run: boolean | number;
  force: boolean | number;
  status: FailoverRunStatus;
  created_by: string;
  created_at: TimestampValue;
  finished_at: TimestampValue | null;
  heartbeat_at: TimestampValue;
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
  approval_deadline: TimestampValue | null;
  cancelled_by: string | null;
  cancel_requested: boolean | number;
  detection: string | null;
  canary: string | null;
};

/**
 * The connection the failover operations share, with the database's clock:
 * heartbeats of several hosts compare on one clock, never two hosts' clocks.
 */
export class RunTable {
  readonly isPostgres: boolean;

  constructor(readonly db: Knex) {
    this.isPostgres = db.client.config.client === 'pg';
  }

  /**
   * The database's time. Inside a transaction, asked through it: a second
   * connection from a busy pool could wait for the very connection the
   * transaction holds.
   */
  async now(db: Knex = this.db): Promise<Date> {
    if (this.isPostgres) {
      const result = await db.raw('SELECT now() AS now');
      return new Date(result.rows[0].now);
    }
    return new Date(); // SQLite lives in one process: its host's clock is the only one
  }

  /** The database's time as a value to write. */
  clock(): Knex.Raw | Date {
    return this.isPostgres ? this.db.fn.now() : new Date();
  }

  /** Locks the rows read in a transaction, where the engine can (SQLite serializes anyway). */
  readonly lockForUpdate = (query: Knex.QueryBuilder) => {
    if (this.isPostgres) {
      query.forUpdate();
    }
  };
}

export function pendingStep(id: FailoverStepId): FailoverStep {
  return {
    id,
    title: FAILOVER_STEP_TITLES[id],
    status: 'pending',
    startedAt: null,
    finishedAt: null,
    log: [],
  };
}

/** The steps of a run that ends before they ran, skipped with the reason `why`. */
export function skipUnfinishedSteps(
  steps: string,
  now: Date,
  why: string,
): FailoverStep[] {
  return (JSON.parse(steps) as FailoverStep[]).map(step =>
    step.status === 'pending' || step.status === 'running'
      ? {
          ...step,
          status: 'skipped',
          startedAt: step.startedAt ?? now.toISOString(),
          finishedAt: now.toISOString(),
          log: [...step.log, { t: now.toISOString(), message: why }],
        }
      : step,
  );
}

export function parseProgress<P>(text: string | null): P | undefined {
  return text ? (JSON.parse(text) as P) : undefined;
}

export function toRun(row: RunRow): FailoverRun {
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
