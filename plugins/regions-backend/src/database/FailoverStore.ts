import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  FAILOVER_STEP_IDS,
  FailoverMode,
  FailoverPreflightCheck,
  FailoverRun,
  FailoverRunStatus,
  FailoverStep,
  FailoverStepId,
} from '@meridian/plugin-regions-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';

const migrationsDir = resolvePackagePath(
  '@meridian/plugin-regions-backend',
  'migrations',
);

const RUNS = 'region_failover_runs';
const LOCKS = 'region_failover_locks';

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
};

/** What a run records when it ends. */
export interface FailoverRunOutcome {
  status: Exclude<FailoverRunStatus, 'pending' | 'running'>;
  error?: string;
  rtoMs?: number | null;
  dataLossBytes?: number | null;
}

type RunRow = {
  id: string;
  region_ref: string;
  target_ref: string;
  mode: FailoverMode;
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
};

// Matched on the message: better-sqlite3's errors fail instanceof checks when
// the native module is loaded twice (e.g. by two test files in one worker).
const UNIQUE_VIOLATION =
  /UNIQUE constraint failed|duplicate key value violates unique constraint/;

/**
 * Stores failover runs, and the locks that allow one unfinished run per region:
 * a run takes one row per region it touches (its region and its target) in the
 * transaction that creates it, and the primary key on the region makes a
 * second run touching either of them fail, even from another backend instance.
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

  private constructor(private readonly db: Knex) {}

  /**
   * Records a new `pending` run with every step pending, holding its region
   * and target. Throws a ConflictError naming the run in progress when another
   * unfinished run holds either.
   */
  async createRun(request: {
    region: string;
    target: string;
    mode: FailoverMode;
    dryRun: boolean;
    force: boolean;
    createdBy: string;
    now?: Date;
  }): Promise<FailoverRun> {
    const now = request.now ?? new Date();
    const id = randomUUID();
    const steps: FailoverStep[] = FAILOVER_STEP_IDS.map(stepId => ({
      id: stepId,
      title: FAILOVER_STEP_TITLES[stepId],
      status: 'pending',
      startedAt: null,
      finishedAt: null,
      log: [],
    }));
    const held = [...new Set([request.region, request.target])];
    try {
      await this.db.transaction(async tx => {
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
        });
        await tx(LOCKS).insert(
          held.map(regionRef => ({ region_ref: regionRef, run_id: id })),
        );
      });
    } catch (error) {
      if (!UNIQUE_VIOLATION.test(String((error as Error)?.message))) {
        throw error;
      }
      const holder = await this.db(LOCKS)
        .whereIn('region_ref', held)
        .first<{ region_ref: string; run_id: string } | undefined>();
      throw new ConflictError(
        holder
          ? `failover run ${holder.run_id} is in progress for ${holder.region_ref}; wait for it to finish`
          : `another failover run was in progress for ${held.join(
              ' or ',
            )}; try again`,
      );
    }
    return (await this.getRun(id))!;
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

  /** Saves the run's progress (status, checks, steps) and refreshes its heartbeat. */
  async saveProgress(
    id: string,
    progress: {
      status?: 'running';
      preflight?: FailoverPreflightCheck[];
      steps: FailoverStep[];
      dataLossBytes?: number | null;
    },
    now = new Date(),
  ): Promise<void> {
    await this.db(RUNS)
      .where({ id })
      .update({
        ...(progress.status ? { status: progress.status } : {}),
        ...(progress.preflight
          ? { preflight: JSON.stringify(progress.preflight) }
          : {}),
        ...(progress.dataLossBytes !== undefined
          ? { data_loss_bytes: progress.dataLossBytes }
          : {}),
        steps: JSON.stringify(progress.steps),
        heartbeat_at: now,
      });
  }

  /** Shows that the run's executor is alive. */
  async heartbeat(id: string, now = new Date()): Promise<void> {
    await this.db(RUNS).where({ id }).update({ heartbeat_at: now });
  }

  /** Ends the run and releases its regions, in one transaction. */
  async finishRun(
    id: string,
    outcome: FailoverRunOutcome & { steps: FailoverStep[] },
    now = new Date(),
  ): Promise<void> {
    await this.db.transaction(async tx => {
      await tx(RUNS)
        .where({ id })
        .update({
          status: outcome.status,
          error: outcome.error ?? null,
          steps: JSON.stringify(outcome.steps),
          finished_at: now,
          heartbeat_at: now,
          ...(outcome.rtoMs !== undefined ? { rto_ms: outcome.rtoMs } : {}),
          ...(outcome.dataLossBytes !== undefined
            ? { data_loss_bytes: outcome.dataLossBytes }
            : {}),
        });
      await tx(LOCKS).where({ run_id: id }).delete();
    });
  }

  /**
   * Marks `interrupted` every unfinished run whose heartbeat is older than
   * `staleBefore` (its executor died: a restarted or lost backend instance),
   * explains what the interrupted step may have changed, and releases its
   * regions. Returns the runs it marked.
   */
  async interruptStaleRuns(
    staleBefore: Date,
    now = new Date(),
  ): Promise<FailoverRun[]> {
    return this.db.transaction(async tx => {
      const rows = await tx<RunRow>(RUNS)
        .whereIn('status', ['pending', 'running'])
        .andWhere('heartbeat_at', '<', staleBefore);
      const interrupted: FailoverRun[] = [];
      for (const row of rows) {
        const run = toRun(row);
        const current = run.steps.find(step => step.status === 'running');
        const error = interruptionMessage(run, current);
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
        // Guarded by the status so that a run finishing meanwhile keeps its outcome.
        const updated = await tx(RUNS)
          .where({ id: run.id })
          .whereIn('status', ['pending', 'running'])
          .update({
            status: 'interrupted',
            error,
            steps: JSON.stringify(steps),
            finished_at: now,
          });
        await tx(LOCKS).where({ run_id: run.id }).delete();
        if (updated) {
          interrupted.push({
            ...run,
            status: 'interrupted',
            error,
            steps,
            finishedAt: now.toISOString(),
          });
        }
      }
      return interrupted;
    });
  }
}

/*
 * A run is never resumed: after a lost executor nothing proves which side
 * effects of the step it was in happened (a fence may or may not have been
 * applied, pg_promote may have been sent), so the operator is told what to
 * check, and a new run's pre-flight sees the nodes as they are.
 */
function interruptionMessage(
  run: FailoverRun,
  current: FailoverStep | undefined,
): string {
  const prefix = `the backend executing this run stopped${
    current ? ` during "${current.title}"` : ' before it started'
  }; the run was not resumed.`;
  const done = run.steps
    .filter(step => step.status === 'succeeded' && step.id !== 'preflight')
    .map(step => step.title.toLowerCase());
  const changedSoFar = done.length
    ? ` Completed before: ${done.join(', ')}.`
    : '';
  switch (current?.id) {
    case undefined:
    case 'preflight':
      return `${prefix} Nothing was changed.`;
    case 'fence':
      return `${prefix} The old primary may be fenced (read-only): check it, and either re-run the failover or lift the fence (ALTER SYSTEM RESET default_transaction_read_only; SELECT pg_reload_conf()).`;
    case 'promote':
      return `${prefix}${changedSoFar} The target may or may not have been promoted: check pg_is_in_recovery() on it before re-running.`;
    case 'switch-traffic':
      return `${prefix}${changedSoFar} Traffic may point at either region: check the traffic switches.`;
    default:
      return `${prefix}${changedSoFar} The promotion and traffic switch were done; verification was not finished.`;
  }
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
    ...(row.error ? { error: row.error } : {}),
  };
}

// PostgreSQL returns timestamps as Date; SQLite as epoch milliseconds or text.
function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}
