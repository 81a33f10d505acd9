import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  AutomaticFailoverDecision,
  FailoverPreflightCheck,
  PlanValidation,
} from '@meridian/plugin-regions-common';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@meridian/plugin-regions-backend',
  'migrations',
);

const VALIDATIONS = 'region_plan_validations';
const DECISIONS = 'region_automatic_decisions';

/** How often a write retries when another instance changes the plan meanwhile. */
const MAX_WRITE_ATTEMPTS = 5;

// Matched on the message: better-sqlite3's errors fail instanceof checks when
// the native module is loaded twice (e.g. by two test files in one worker).
const UNIQUE_VIOLATION =
  /UNIQUE constraint failed|duplicate key value violates unique constraint/;

/** A primary → standby pair whose plan is validated. */
export interface PlanKey {
  /** The region whose primary would be failed over. */
  region: string;
  /** The standby region it would be failed over to. */
  target: string;
}

/** One validation of a plan, as the validator computed it. */
export interface PlanValidationResult extends PlanKey {
  ok: boolean;
  checks: FailoverPreflightCheck[];
  validatedAt: Date;
}

/** What a recorded validation replaced. */
export interface RecordedPlanValidation {
  validation: PlanValidation;
  /** `ok` of the validation it replaced; null for the plan's first. */
  previousOk: boolean | null;
  /**
   * True for the write that set `ok` to a new value, or wrote the plan's
   * first validation: of two instances validating at once, only one.
   */
  changed: boolean;
}

type ValidationRow = {
  region_ref: string;
  target_ref: string;
  ok: boolean | number;
  checks: string;
  validated_at: Date | string | number;
  since: Date | string | number;
};

type DecisionRow = {
  region_ref: string;
  target_ref: string | null;
  at: Date | string | number;
  action: AutomaticFailoverDecision['action'];
  reason: string;
  run_id: string | null;
};

/**
 * Stores the latest validation of each failover plan, and the decisions of
 * the automatic failover policy. A validation's write is a compare-and-set on
 * the `ok` it replaces, so that when two backend instances validate a plan at
 * once, exactly one of them sees the change (and tells the owners).
 */
export class PlanStore {
  /** Connects to the plugin's database and brings its schema up to date. */
  static async create(options: {
    database: DatabaseService;
  }): Promise<PlanStore> {
    const { database } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new PlanStore(client);
  }

  private constructor(private readonly db: Knex) {}

  /** Replaces the plan's validation; `since` moves only when `ok` changes. */
  async recordValidation(
    result: PlanValidationResult,
  ): Promise<RecordedPlanValidation> {
    const key = { region_ref: result.region, target_ref: result.target };
    const values = {
      ok: result.ok,
      checks: JSON.stringify(result.checks),
      validated_at: result.validatedAt,
    };
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const row = await this.db<ValidationRow>(VALIDATIONS).where(key).first();
      if (!row) {
        try {
          await this.db(VALIDATIONS).insert({
            ...key,
            ...values,
            since: result.validatedAt,
          });
          return {
            validation: toValidation(result, result.validatedAt),
            previousOk: null,
            changed: true,
          };
        } catch (error) {
          if (!UNIQUE_VIOLATION.test(String((error as Error)?.message))) {
            throw error;
          }
          continue; // another instance wrote the first one meanwhile
        }
      }
      const previousOk = Boolean(row.ok);
      const changed = previousOk !== result.ok;
      const since = changed ? result.validatedAt : toDate(row.since);
      const updated = await this.db(VALIDATIONS)
        .where({ ...key, ok: previousOk })
        .update({ ...values, since });
      if (updated === 1) {
        return {
          validation: toValidation(result, since),
          previousOk,
          changed,
        };
      }
      // another instance changed `ok` meanwhile: compare with its value
    }
    throw new Error(
      `the validation of ${result.region} → ${result.target} changed under every one of ${MAX_WRITE_ATTEMPTS} writes`,
    );
  }

  /** The latest validations of the plans of a region, of a target, or of all. */
  async listValidations(
    filter: Partial<PlanKey> = {},
  ): Promise<PlanValidation[]> {
    const rows = await this.db<ValidationRow>(VALIDATIONS)
      .where(builder => {
        if (filter.region) {
          builder.where('region_ref', filter.region);
        }
        if (filter.target) {
          builder.where('target_ref', filter.target);
        }
      })
      .orderBy(['region_ref', 'target_ref']);
    return rows.map(row =>
      toValidation(
        {
          region: row.region_ref,
          target: row.target_ref,
          ok: Boolean(row.ok),
          checks: JSON.parse(row.checks),
          validatedAt: toDate(row.validated_at),
        },
        toDate(row.since),
      ),
    );
  }

  /** Drops the validations of plans no longer in the topology. */
  async retainValidations(plans: PlanKey[]): Promise<void> {
    const kept = new Set(plans.map(keyOf));
    const rows = await this.db<ValidationRow>(VALIDATIONS).select(
      'region_ref',
      'target_ref',
    );
    for (const row of rows) {
      const plan = { region: row.region_ref, target: row.target_ref };
      if (!kept.has(keyOf(plan))) {
        await this.db(VALIDATIONS)
          .where({ region_ref: plan.region, target_ref: plan.target })
          .delete();
      }
    }
  }

  /** Records a decision of the automatic failover policy. */
  async recordAutomaticDecision(decision: {
    region: string;
    target: string | null;
    action: AutomaticFailoverDecision['action'];
    reason: string;
    runId?: string | null;
    at?: Date;
  }): Promise<AutomaticFailoverDecision> {
    const row: DecisionRow = {
      region_ref: decision.region,
      target_ref: decision.target,
      at: decision.at ?? new Date(),
      action: decision.action,
      reason: decision.reason,
      run_id: decision.runId ?? null,
    };
    await this.db(DECISIONS).insert(row);
    return toDecision(row);
  }

  /** The region's latest `limit` decisions, newest first. */
  async listAutomaticDecisions(
    region: string,
    limit: number,
  ): Promise<AutomaticFailoverDecision[]> {
    const rows = await this.db<DecisionRow>(DECISIONS)
      .where('region_ref', region)
      .orderBy([
        { column: 'at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(toDecision);
  }
}

function keyOf(plan: PlanKey): string {
  return JSON.stringify([plan.region, plan.target]);
}

function toValidation(
  result: PlanValidationResult,
  since: Date,
): PlanValidation {
  return {
    region: result.region,
    target: result.target,
    validatedAt: result.validatedAt.toISOString(),
    ok: result.ok,
    checks: result.checks,
    since: since.toISOString(),
  };
}

function toDecision(row: DecisionRow): AutomaticFailoverDecision {
  return {
    region: row.region_ref,
    target: row.target_ref,
    at: toDate(row.at).toISOString(),
    action: row.action,
    reason: row.reason,
    runId: row.run_id,
  };
}

// PostgreSQL returns timestamps as Date; SQLite as epoch milliseconds or text.
function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}
