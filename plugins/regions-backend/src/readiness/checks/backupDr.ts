import {
  FailoverRun,
  PlanValidation,
  resolveRegionRef,
  SOURCE_ROLES,
  STANDBY_ROLES,
} from '@meridian/plugin-regions-common';
import { ReadinessCheck } from '@meridian/plugin-regions-node';
import { PlanKey } from '../../database/PlanStore';
import { ReplicationStore } from '../../database/ReplicationStore';
import { blockingChecks } from '../../failover/preflight/checks';
import { PLAN_VALIDATION_TASK_ID } from '../../failover/validation/schedule';
import { FailoverHistory } from '../FailoverHistory';
import { formatDuration, formatPercent } from './format';
import { hasObservableReplication } from './observability';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The window the lag must stay within the RPO over, and by default the span observed for full credit. */
export const LAG_WINDOW_MS = DAY;
/** The share of that window it must. */
export const LAG_WITHIN_RPO_REQUIRED = 0.99;
/** How recent a drill or switchover must be. */
export const DRILL_WINDOW_MS = 90 * DAY;
/** How recent a plan's validation must be. */
export const PLAN_VALIDATION_WINDOW_MS = HOUR;

/**
 * The region has a disaster-recovery plan: a standby declares its RPO and RTO,
 * a primary or active region has a region that replicates from it.
 */
export const drPlanDeclaredCheck: ReadinessCheck = {
  id: 'dr-plan-declared',
  title: 'Standby and recovery targets declared',
  category: 'backup-dr',
  remediation:
    'Declare spec.replication: a standby role with source, rpoSeconds and rtoSeconds, or, for a primary, a standby region that replicates from it.',
  evaluate({ region, regionRef, regions, syncedAt }) {
    const replication = region.spec.replication;
    const role = replication?.role;
    if (!role) {
      return {
        result: 'failed',
        evidence:
          'spec.replication.role is not declared: no standby holds this region’s data',
        evidenceAt: syncedAt,
      };
    }
    if ((STANDBY_ROLES as readonly string[]).includes(role)) {
      const missing = (['rpoSeconds', 'rtoSeconds'] as const).filter(
        key => replication[key] === undefined,
      );
      if (missing.length > 0) {
        return {
          result: 'failed',
          evidence: `${role} without ${missing
            .map(key => `spec.replication.${key}`)
            .join(' and ')}`,
          evidenceAt: syncedAt,
        };
      }
      return {
        result: 'passed',
        evidence: `${role} of ${resolveRegionRef(
          replication.source,
          region,
        )}, RPO ${replication.rpoSeconds} s, RTO ${replication.rtoSeconds} s`,
        evidenceAt: syncedAt,
      };
    }
    if ((SOURCE_ROLES as readonly string[]).includes(role)) {
      const replicas = regions
        .filter(
          other =>
            resolveRegionRef(other.spec.replication?.source, other) ===
            regionRef,
        )
        .map(
          other => `${other.metadata.name} (${other.spec.replication!.role})`,
        );
      if (replicas.length === 0) {
        return {
          result: 'failed',
          evidence: `${role} that no region replicates from`,
          evidenceAt: syncedAt,
        };
      }
      return {
        result: 'passed',
        evidence: `${role} replicated to ${replicas.join(', ')}`,
        evidenceAt: syncedAt,
      };
    }
    return {
      result: 'unknown',
      evidence: `replication role "${role}" is not one this check knows`,
      evidenceAt: syncedAt,
    };
  },
};

/**
 * The replication lag stayed within the RPO in at least 99 % of the samples
 * of the last 24 hours (or of the evidence span, when longer), graded on the
 * evidence there is: a pass over less than `fullEvidenceMs` of observation
 * earns that share of the check's weight, and says so with the span. A
 * standby watched for minutes is thus neither refused outright nor taken as
 * proven; one that already misses the bar fails at once.
 */
export function createLagWithinRpoCheck(deps: {
  store: ReplicationStore;
  /** How often the collector samples, to tell a full span of samples from a partial one. */
  sampleIntervalMs: number;
  /** How long the lag must be observed to earn full credit (`regions.readiness.lagEvidence`). */
  fullEvidenceMs?: number;
}): ReadinessCheck {
  const fullEvidenceMs = deps.fullEvidenceMs ?? LAG_WINDOW_MS;
  const windowMs = Math.max(LAG_WINDOW_MS, fullEvidenceMs);
  return {
    id: 'lag-within-rpo',
    title: `Lag within RPO for 99 % of ${formatDuration(
      fullEvidenceMs,
    )} observed`,
    category: 'backup-dr',
    remediation:
      'Find what holds the standby back (network, replay conflicts, long transactions on the primary) or revise spec.replication.rpoSeconds.',
    appliesTo: region =>
      hasObservableReplication(region) &&
      region.spec.replication?.rpoSeconds !== undefined,
    async evaluate({ region, regionRef, now }) {
      const rpoSeconds = region.spec.replication!.rpoSeconds!;
      const since = new Date(now.getTime() - windowMs);
      const compliance = await deps.store.getRpoCompliance(
        regionRef,
        rpoSeconds,
        since,
        now,
      );
      if (compliance.samples === 0 || !compliance.firstAt) {
        return {
          result: 'unknown',
          evidence: `no replication sample in the last ${formatDuration(
            windowMs,
          )}`,
          remediation:
            'Make a replication source observe the region (see “Replication source configured and fresh”).',
        };
      }
      const covered = now.getTime() - compliance.firstAt.getTime();
      // Ticks with no sample (the source was down or timed out) prove nothing
      // about the lag: they count as not within. Up to 1 % of the ticks, and
      // at least two, may go missing to the scheduler's jitter before they
      // count: on a short span one late tick is not an outage.
      const expected = Math.floor(covered / deps.sampleIntervalMs) + 1;
      const missing = Math.max(0, expected - compliance.samples);
      const missed = missing > Math.max(expected * 0.01, 2) ? missing : 0;
      const share = compliance.withinRpo / (compliance.samples + missed);
      const facts = `lag within RPO ${rpoSeconds} s in ${formatPercent(
        share,
      )} of ${compliance.samples + missed} samples${
        missed ? ` (${missed} missed: the source did not answer)` : ''
      }`;
      const observed = { from: compliance.firstAt, to: now };
      // The oldest sample must reach back far enough, give or take two
      // collector intervals of scheduling jitter.
      const complete = covered >= fullEvidenceMs - 2 * deps.sampleIntervalMs;
      if (share < LAG_WITHIN_RPO_REQUIRED) {
        return {
          result: 'failed',
          evidence: complete
            ? `${facts} over the last ${formatDuration(windowMs)}`
            : `${facts} over the ${formatDuration(covered)} observed so far`,
          evidenceAt: compliance.lastAt,
          observed,
        };
      }
      if (complete) {
        return {
          result: 'passed',
          evidence: `${facts} over the last ${formatDuration(
            Math.max(fullEvidenceMs, Math.min(covered, windowMs)),
          )}`,
          evidenceAt: compliance.lastAt,
          observed,
        };
      }
      // Little evidence earns a little: never more than the span observed.
      const credit = Math.floor((covered / fullEvidenceMs) * 100) / 100;
      return {
        result: 'passed',
        evidence: `${facts} over the ${formatDuration(
          covered,
        )} observed; ${formatDuration(
          fullEvidenceMs,
        )} of observation earn full credit, so this earns ${formatPercent(
          credit,
        )} of it (full in ${formatDuration(fullEvidenceMs - covered)})`,
        evidenceAt: compliance.lastAt,
        credit,
        observed,
      };
    },
  };
}

/** A drill, a switchover, or a detected failover: each shows what a takeover costs. */
function isProof(run: FailoverRun) {
  return (
    run.status === 'succeeded' &&
    (run.mode === 'drill' ||
      run.mode === 'switchover' ||
      run.mode === 'detected') &&
    run.finishedAt !== null
  );
}

function describeRun(run: FailoverRun) {
  return `${run.mode} ${run.id} of ${run.region} to ${run.target} on ${run.finishedAt}`;
}

/**
 * A drill, switchover or detected failover that involved the region succeeded
 * in the last 90 days and measured an RTO within `spec.replication.rtoSeconds`.
 */
export function createRecentDrillCheck(deps: {
  failoverHistory?: FailoverHistory;
}): ReadinessCheck {
  return {
    id: 'recent-drill',
    title: 'Drill or switchover within RTO in the last 90 days',
    category: 'backup-dr',
    remediation:
      'Run a switchover (or a drill that measures the RTO) with the failover template and fix what keeps the RTO above target.',
    appliesTo: region => region.spec.replication?.rtoSeconds !== undefined,
    async evaluate({ region, regionRef, now }) {
      if (!deps.failoverHistory) {
        return {
          result: 'unknown',
          evidence: 'no failover history is recorded by this backend',
          remediation:
            'Install the regions backend with its failover capability, which records drills and switchovers.',
        };
      }
      const rtoMs = region.spec.replication!.rtoSeconds! * 1000;
      const since = new Date(now.getTime() - DRILL_WINDOW_MS);
      const proofs = (await deps.failoverHistory.listRuns(regionRef, since))
        .filter(isProof)
        .filter(run => Date.parse(run.finishedAt!) >= since.getTime())
        .sort((a, b) => Date.parse(b.finishedAt!) - Date.parse(a.finishedAt!));
      const target = `target ${formatDuration(rtoMs)}`;
      const within = proofs.find(
        run => run.rtoMs !== null && run.rtoMs <= rtoMs,
      );
      if (within) {
        return {
          result: 'passed',
          evidence: `${describeRun(within)} measured RTO ${formatDuration(
            within.rtoMs!,
          )} ≤ ${target}`,
          evidenceAt: new Date(within.finishedAt!),
        };
      }
      const over = proofs.find(run => run.rtoMs !== null);
      if (over) {
        return {
          result: 'failed',
          evidence: `${describeRun(over)} measured RTO ${formatDuration(
            over.rtoMs!,
          )} > ${target}`,
          evidenceAt: new Date(over.finishedAt!),
        };
      }
      if (proofs.length > 0) {
        return {
          result: 'failed',
          evidence: `${describeRun(proofs[0])} succeeded but measured no RTO`,
          evidenceAt: new Date(proofs[0].finishedAt!),
        };
      }
      return {
        result: 'failed',
        evidence: `no successful drill, switchover or detected failover involving the region since ${since.toISOString()}`,
      };
    },
  };
}

/** The stored plan validations, as the plan check reads them; the plan store implements it. */
export interface PlanValidations {
  listValidations(filter: Partial<PlanKey>): Promise<PlanValidation[]>;
}

function describePlan(plan: PlanValidation) {
  return `${plan.region} → ${plan.target}`;
}

/**
 * Whether a validation passes every pre-flight check but, possibly, the
 * readiness gate: that gate reads this very score, so counting it here would
 * keep a standby that once fell below the threshold there for good.
 */
function passesBesidesReadiness(plan: PlanValidation) {
  return blockingChecks(plan.checks, false).every(
    check => check.id === 'readiness',
  );
}

/**
 * A failover plan involving the region passed its scheduled validation (an
 * emergency failover's pre-flight) in the last hour: for a primary, the plan
 * to one of its standbys; for a standby, the plan that would promote it.
 */
export function createFailoverPlanValidatedCheck(deps: {
  plans: PlanValidations;
}): ReadinessCheck {
  return {
    id: 'failover-plan-validated',
    title: 'Failover plan validated in the last hour',
    category: 'backup-dr',
    remediation:
      'Fix what the failing pre-flight checks name (GET /api/regions/regions/:namespace/:name/plan lists them); the next scheduled validation picks the fix up.',
    appliesTo: hasObservableReplication,
    async evaluate({ regionRef, now }) {
      const [asPrimary, asStandby] = await Promise.all([
        deps.plans.listValidations({ region: regionRef }),
        deps.plans.listValidations({ target: regionRef }),
      ]);
      const plans = [...asPrimary, ...asStandby].sort(
        (a, b) => Date.parse(b.validatedAt) - Date.parse(a.validatedAt),
      );
      if (plans.length === 0) {
        return {
          result: 'unknown',
          evidence:
            'no failover plan involving the region has been validated: a primary is validated with each standby that streams from it, a standby with its primary',
          remediation: `Wait for the ${PLAN_VALIDATION_TASK_ID} task (every 30 minutes by default, first shortly after the backend starts) or check its logs.`,
        };
      }
      const since = now.getTime() - PLAN_VALIDATION_WINDOW_MS;
      const recent = plans.filter(p => Date.parse(p.validatedAt) >= since);
      if (recent.length === 0) {
        return {
          result: 'failed',
          evidence: `no validation in the last ${formatDuration(
            PLAN_VALIDATION_WINDOW_MS,
          )}: the latest, of ${describePlan(plans[0])}, was on ${
            plans[0].validatedAt
          }`,
          evidenceAt: new Date(plans[0].validatedAt),
          remediation: `Check the logs of the ${PLAN_VALIDATION_TASK_ID} task and regions.failover.validation.frequency.`,
        };
      }
      const passing = recent.find(passesBesidesReadiness);
      if (passing) {
        return {
          result: 'passed',
          evidence: `${describePlan(passing)} passed ${
            passing.ok
              ? 'every pre-flight check'
              : 'every pre-flight check but the readiness gate'
          } of an emergency failover, ok since ${passing.since}`,
          evidenceAt: new Date(passing.validatedAt),
        };
      }
      const failing = recent[0];
      return {
        result: 'failed',
        evidence: `${describePlan(failing)} fails ${blockingChecks(
          failing.checks,
          false,
        )
          .map(check => `${check.id} (${check.detail})`)
          .join('; ')}`,
        evidenceAt: new Date(failing.validatedAt),
      };
    },
  };
}
