import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  FAILOVER_STEP_IDS,
  FailoverFence,
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
const HOLDS = 'region_failover_holds';
const UNFINISHED: FailoverRunStatus[] = ['pending', 'running'];

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
  're-fence': 'Fence the old primary again',
};

/** The hold a run takes on a database node, next to those on its regions. */
export function databaseHold(name: string): string {
  return `database:${name}`;
}

/** What a run records when it ends. */
export interface FailoverRunOutcome {
  status: Exclude<FailoverRunStatus, 'pending' | 'running'>;
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
  lease_epoch: number;
  source_fenced: string | null;
  fence: string | null;
  progress: string | null;
  resumes: number;
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
    createdBy: string;
    holds: string[];
  }): Promise<FailoverRun> {
    const now = await this.now();
    const id = randomUUID();
    const steps: FailoverStep[] = FAILOVER_STEP_IDS.map(stepId => ({
      id: stepId,
      title: FAILOVER_STEP_TITLES[stepId],
      status: 'pending',
      startedAt: null,
      finishedAt: null,
      log: [],
    }));
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
      });
    });
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
        .whereIn('status', UNFINISHED)
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
      .whereIn('status', UNFINISHED)
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
        .whereIn('status', UNFINISHED)
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
        .whereIn('status', UNFINISHED);
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

  /** The runs that ended `succeeded` since `since`, newest first: the split-brain guard's candidates. */
  async listSucceededPromotions(since: Date): Promise<FailoverRun[]> {
    const rows = await this.db<RunRow>(RUNS)
      .where({ status: 'succeeded', dry_run: false })
      .whereIn('mode', ['switchover', 'failover'])
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
    ...(row.error ? { error: row.error } : {}),
    ...(row.source_fenced ? { sourceFenced: row.source_fenced } : {}),
    ...(row.fence ? { fence: JSON.parse(row.fence) } : {}),
  };
}

// PostgreSQL returns timestamps as Date; SQLite as epoch milliseconds or text.
function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}
