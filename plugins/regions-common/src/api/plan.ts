import type { FailoverPreflightCheck } from './failover';

/** One primary → standby plan's latest validation (a scheduled pre-flight). @public */
export interface PlanValidation {
  /** The region whose primary would be failed over. */
  region: string;
  /** The standby region it would be failed over to. */
  target: string;
  /** ISO time of the validation. */
  validatedAt: string;
  /** Whether an emergency failover would pass its pre-flight now (forcible checks count). */
  ok: boolean;
  checks: FailoverPreflightCheck[];
  /** ISO time `ok` last changed. */
  since: string;
}

/**
 * What the guarded automatic failover decided about a region
 * (`regions.failover.automatic`): `started` a run, `would-start` one (the
 * policy's `dryRun`), or `held` back, with the reason.
 * @public
 */
export interface AutomaticFailoverDecision {
  region: string;
  target: string | null;
  /** ISO time of the decision. */
  at: string;
  action: 'started' | 'would-start' | 'held';
  /** e.g. `would have failed over at …, because us-east-api was down for 3 checks and us-east-db does not answer`. */
  reason: string;
  /** The run it started. */
  runId: string | null;
}

/** Answer of `GET /api/regions/regions/:namespace/:name/plan`. @public */
export interface PlanResponse {
  region: string;
  /** The first plan's (the preferred standby's) validation, or null before the first. */
  validatedAt: string | null;
  ok: boolean | null;
  checks: FailoverPreflightCheck[];
  /** Every standby's plan, the preferred first. */
  plans: PlanValidation[];
  /** The automatic failover policy for the region, and its recent decisions, newest first. */
  automatic: {
    enabled: boolean;
    dryRun: boolean;
    decisions: AutomaticFailoverDecision[];
  };
}
