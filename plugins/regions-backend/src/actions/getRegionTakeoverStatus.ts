import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { NotFoundError } from '@backstage/errors';
import {
  FailoverPreflightCheck,
  FailoverRun,
  ObservedRole,
  ReadinessCheckResult,
  ReplicationStatus,
  resolveRegionRef,
  STANDBY_ROLES,
} from '@meridian/plugin-regions-common';
import { ReplicationCollector } from '../collectors/replication/ReplicationCollector';
import { DatabaseRegionsStore } from '../database/DatabaseRegionsStore';
import { FailoverStore } from '../database/FailoverStore';
import { ReplicationStore } from '../database/ReplicationStore';
import { formatBytes } from '../failover/lsn';
import { outsideRun } from '../failover/engine/outsideRun';
import { FailoverPlanner } from '../failover/plan/FailoverPlanner';
import { ObservedRoles } from '../service/observedRoles';
import { ReadinessEvaluator } from '../readiness/ReadinessEvaluator';
import { regionRefOf } from '../service/startFailoverRun';

/** The facts a takeover verdict is derived from. */
export interface TakeoverFacts {
  replication: {
    /** As declared (`spec.replication.role`). */
    role: string | null;
    /** What its node says it is (the truth after a failover). */
    observedRole: ObservedRole;
    /** The region it streams from: observed when known, else declared. */
    source: string | null;
    status: ReplicationStatus;
    reason: string;
    lagBytes: number | null;
    lagSeconds: number | null;
    rpoSeconds: number | null;
    sampledAt: string | null;
  };
  readiness: {
    score: number;
    threshold: number;
    ready: boolean;
    evaluatedAt: string | null;
    notPassed: {
      id: string;
      title: string;
      result: Exclude<ReadinessCheckResult, 'passed'>;
      evidence: string;
    }[];
  };
}

/**
 * Whether a region can take over now: a standby whose replication is `ok` or
 * `warning` (a stale sample reads `unknown`), whose readiness reaches the
 * threshold, and for which the failover pre-flight — the same checks a run
 * makes, evaluated now without changing anything — finds nothing that would
 * stop a switchover from its source.
 */
export function takeoverVerdict(
  name: string,
  facts: TakeoverFacts,
  preflight: FailoverPreflightCheck[],
): { canTakeOver: boolean; blockers: string[]; verdict: string } {
  const { replication, readiness } = facts;
  const blockers: string[] = [];
  if (
    replication.observedRole === 'primary' ||
    replication.observedRole === 'fenced'
  ) {
    blockers.push(
      `its node is a ${
        replication.observedRole === 'fenced' ? 'fenced primary' : 'primary'
      }, not a standby${
        replication.role ? ` (it declares ${replication.role})` : ''
      }`,
    );
  } else if (replication.observedRole !== 'standby') {
    // not observed: the declaration is all there is
    if (!replication.role) {
      blockers.push('it declares no replication role (spec.replication.role)');
    } else if (
      !(STANDBY_ROLES as readonly string[]).includes(replication.role)
    ) {
      blockers.push(`it is a ${replication.role} region, not a standby`);
    }
  }
  if (replication.status === 'breach') {
    blockers.push(`replication is in breach: ${replication.reason}`);
  } else if (replication.status === 'unknown') {
    blockers.push(`replication status is unknown: ${replication.reason}`);
  }
  const score = Number(readiness.score.toFixed(1));
  if (!readiness.evaluatedAt) {
    blockers.push('its readiness is not evaluated yet');
  } else if (!readiness.ready) {
    const failed = readiness.notPassed.filter(c => c.result === 'failed');
    blockers.push(
      `readiness ${score} < threshold ${readiness.threshold}${
        failed.length > 0
          ? ` (failed: ${failed.map(c => c.title).join('; ')})`
          : ''
      }`,
    );
  }
  // readiness is judged above, with its failed checks
  for (const check of preflight) {
    if (!check.passed && check.id !== 'readiness') {
      blockers.push(`${check.title.toLowerCase()}: no (${check.detail})`);
    }
  }
  if (blockers.length > 0) {
    return {
      canTakeOver: false,
      blockers,
      verdict: `${name} cannot take over: ${blockers.join('; ')}`,
    };
  }
  const lag = [
    replication.lagBytes === null ? null : formatBytes(replication.lagBytes),
    replication.lagSeconds === null ? null : `${replication.lagSeconds} s`,
  ]
    .filter(Boolean)
    .join(', ');
  return {
    canTakeOver: true,
    blockers,
    verdict: `${name} can take over: ${
      (STANDBY_ROLES as readonly string[]).includes(replication.role ?? '')
        ? replication.role
        : 'standby'
    } of ${replication.source ?? 'an undeclared source'}, replication ${
      replication.status
    } (lag ${lag || 'unknown'}${
      replication.rpoSeconds === null
        ? ''
        : ` against RPO ${replication.rpoSeconds} s`
    }, sampled ${replication.sampledAt}), readiness ${score} ≥ threshold ${
      readiness.threshold
    }`,
  };
}

/** The last drill or switchover that succeeded with the region as source or target. */
function lastProof(runs: FailoverRun[]) {
  for (const run of runs) {
    if (
      run.status === 'succeeded' &&
      (run.mode === 'drill' || run.mode === 'switchover')
    ) {
      return {
        runId: run.id,
        mode: run.mode,
        region: run.region,
        target: run.target,
        finishedAt: run.finishedAt,
        rtoMs: run.rtoMs,
      };
    }
  }
  return null;
}

/** Registers `get-region-takeover-status`. */
export function registerGetRegionTakeoverStatusAction(options: {
  actionsRegistry: ActionsRegistryService;
  regions: DatabaseRegionsStore;
  replication: { store: ReplicationStore; collector: ReplicationCollector };
  readiness: ReadinessEvaluator;
  failovers: FailoverStore;
  planner: FailoverPlanner;
  observedRoles: ObservedRoles;
}) {
  const {
    actionsRegistry,
    regions,
    replication,
    readiness,
    failovers,
    planner,
    observedRoles,
  } = options;
  actionsRegistry.register({
    name: 'get-region-takeover-status',
    title: 'Get whether a region can take over now',
    description: `Answers whether a Meridian region can take over (be promoted in a failover) right now, and why.

When to use: the user asks "can us-west take over?", "is the standby ready?", "how far behind is eu-west?", or before starting a failover with start-region-failover.

It evaluates, live and without changing anything, the same pre-flight checks a switchover from the region's source (the region it really streams from) would make (databases bound to both regions, target a healthy streaming standby of the source's replication set, lag within the limit, the source can be fenced, traffic switches, no run in progress), and returns them with the region's declared and observed replication role and source, its replication status (ok, warning, breach or unknown — unknown also when the last sample is stale) with the reason, the worst lag in bytes and seconds against the region's RPO and when it was sampled, its readiness score against the threshold with every failed or unknown check (id, title, evidence), the last successful drill or switchover involving it (mode, when, measured RTO), and a one-line verdict. A region can take over when it is a standby, its replication is ok or warning, it is ready, and no pre-flight check fails; otherwise the verdict and blockers name each blocking fact.

The region is a name ("us-west", namespace default) or an entity ref ("region:default/us-west").`,
    attributes: { destructive: false, readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          region: z
            .string()
            .describe(
              'The region: a name like "us-west" or an entity ref like "region:default/us-west"',
            ),
        }),
      output: z =>
        z.object({
          region: z.string().describe('Entity ref of the region'),
          canTakeOver: z.boolean(),
          verdict: z
            .string()
            .describe('One line: "<name> can take over: …" or "cannot: …"'),
          blockers: z
            .array(z.string())
            .describe('Each fact that keeps the region from taking over'),
          replication: z.object({
            role: z.string().nullable().describe('As the entity declares it'),
            observedRole: z
              .enum(['primary', 'standby', 'fenced', 'unreachable', 'unknown'])
              .describe('What its node says it is'),
            source: z
              .string()
              .nullable()
              .describe('Entity ref of the region it replicates from'),
            status: z.enum(['ok', 'warning', 'breach', 'unknown']),
            reason: z.string(),
            lagBytes: z.number().nullable(),
            lagSeconds: z.number().nullable(),
            rpoSeconds: z.number().nullable(),
            sampledAt: z.string().nullable(),
          }),
          readiness: z.object({
            score: z.number(),
            threshold: z.number(),
            ready: z.boolean(),
            evaluatedAt: z.string().nullable(),
            notPassed: z.array(
              z.object({
                id: z.string(),
                title: z.string(),
                result: z.enum(['failed', 'unknown']),
                evidence: z.string(),
              }),
            ),
          }),
          preflight: z
            .array(
              z.object({
                id: z.string(),
                title: z.string(),
                passed: z.boolean(),
                detail: z.string().describe('The fact that decided it'),
                forcible: z.boolean(),
              }),
            )
            .describe(
              'The pre-flight of a switchover from its source, evaluated now; empty when it declares no source',
            ),
          lastDrillOrSwitchover: z
            .object({
              runId: z.string(),
              mode: z.enum(['drill', 'switchover', 'failover']),
              region: z.string(),
              target: z.string(),
              finishedAt: z.string().nullable(),
              rtoMs: z.number().nullable(),
            })
            .nullable(),
        }),
    },
    examples: [
      {
        title: 'Can us-west take over?',
        input: { region: 'us-west' },
      },
    ],
    async action({ input }) {
      const ref = regionRefOf(input.region, 'region');
      const found = await regions.getRegion(ref);
      if (!found) {
        throw new NotFoundError(
          `region "${input.region}" (${ref}) is not a region in the catalog`,
        );
      }
      const { region } = found;
      const spec = region.spec.replication;
      const observed = replication.collector.sourceOf(region) !== undefined;
      const latest = observed
        ? await replication.store.getLatestState(ref)
        : undefined;
      const scorecard = await readiness.getReadiness(ref);
      const upstream = observedRoles.upstreamRegionOf(
        latest?.standby?.upstream,
      );
      const facts: TakeoverFacts = {
        replication: {
          role: spec?.role ?? null,
          observedRole: latest?.observedRole ?? 'unknown',
          source: upstream ?? resolveRegionRef(spec?.source, region) ?? null,
          status: latest?.status ?? 'unknown',
          reason:
            latest?.reason ??
            (observed
              ? 'no sample yet; the collector samples the region on its next run'
              : 'no replication source observes this region'),
          lagBytes: latest?.lagBytes ?? null,
          lagSeconds: latest?.lagSeconds ?? null,
          rpoSeconds: spec?.rpoSeconds ?? null,
          sampledAt: latest?.sampledAt.toISOString() ?? null,
        },
        readiness: {
          score: scorecard.score,
          threshold: scorecard.threshold,
          ready: scorecard.ready,
          evaluatedAt: scorecard.evaluatedAt,
          notPassed: scorecard.categories.flatMap(category =>
            category.checks.flatMap(check =>
              check.result === 'passed'
                ? []
                : [
                    {
                      id: check.id,
                      title: check.title,
                      result: check.result,
                      evidence: check.evidence,
                    },
                  ],
            ),
          ),
        },
      };
      const source = facts.replication.source;
      const preflight = source
        ? (
            await planner.evaluate(
              { region: source, target: ref, mode: 'switchover' },
              outsideRun({ signal: AbortSignal.timeout(30_000) }),
            )
          ).checks
        : [];
      return {
        output: {
          region: ref,
          ...takeoverVerdict(region.metadata.name, facts, preflight),
          ...facts,
          preflight,
          lastDrillOrSwitchover: lastProof(await failovers.listRuns(ref)),
        },
      };
    },
  });
}
