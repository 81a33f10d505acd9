import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  AutomaticFailoverDecision,
  FailoverPreflightCheck,
  FailoverRun,
  ProbeHealth,
  RegionEntity,
} from '@meridian/plugin-regions-common';
import { AlertStateStore } from '../../database/AlertStateStore';
import { PlanKey, PlanStore } from '../../database/PlanStore';
import { ReplicationState } from '../../database/ReplicationStore';
import { FailoverStart } from '../FailoverOrchestrator';
import { blockingChecks } from '../preflight/checks';
import { FailoverPlanner } from '../plan/FailoverPlanner';
import { outsideRun } from '../engine/outsideRun';
import { topologyPlans } from '../validation/topologyPlans';
import { AutomaticFailoverConfig, automaticFailoverCovers } from './config';

/** The scheduler task that applies the automatic failover policy. */
export const AUTOMATIC_FAILOVER_TASK_ID = 'regions-automatic-failover';

/** Who automatic runs are created by, in the run list and the audit log. */
export const AUTOMATIC_FAILOVER_ACTOR = 'system:meridian-automatic-failover';

/** How long one candidate's pre-flight may take. */
const PREFLIGHT_TIMEOUT_MS = 30_000;

/** What the policy reads, and what it may do. */
export interface AutomaticFailoverOptions {
  config: AutomaticFailoverConfig;
  regions: { getSnapshot(): Promise<{ regions: RegionEntity[] }> };
  /** The current state of a region's configured probes. */
  health: { regionProbes(regionRef: string): Promise<ProbeHealth[]> };
  replication: { getLatestStates(): Promise<Map<string, ReplicationState>> };
  upstreamRegionOf(upstream: string | undefined): string | undefined;
  planner: Pick<FailoverPlanner, 'evaluate'>;
  orchestrator: {
    start(
      request: FailoverStart,
      actor: string,
      options: { approvedByPolicy: boolean },
    ): Promise<FailoverRun>;
  };
  runs: { listRuns(regionRef: string, since?: Date): Promise<FailoverRun[]> };
  decisions: Pick<PlanStore, 'recordAutomaticDecision'>;
  /** One state per region, so that a decision is recorded and told once per change. */
  states: AlertStateStore;
  notifications: NotificationService;
  auditor: AuditorService;
  logger: LoggerService;
}

/** What the policy concluded for one region on one tick. */
type Verdict =
  | { kind: 'watching' }
  | {
      kind: 'decided';
      action: AutomaticFailoverDecision['action'];
      target: string | null;
      reason: string;
      /** What makes this decision the same as the last one: no new record then. */
      state: string;
      /** The run this decision continues, e.g. the cooldown of the run it started. */
      continues?: string;
    };

/**
 * The guarded automatic failover (`regions.failover.automatic`). On each tick,
 * for each region it covers whose probes are all down for `consecutiveChecks`
 * checks, it runs the emergency failover's pre-flight — the same checks as a
 * run, without force and without an operator's attestation — against each
 * standby of the observed topology. It starts a run only when the primary's
 * database does not answer either, the standby passes (healthy, within the
 * lag limit) and the old primary can be fenced without it, and no failover
 * of the region happened within `cooldown`; in a dry run it says it would
 * have. Anything else is `held`, with the reason. Each change of decision is
 * recorded, audited and told to both regions' owners — once, not per tick.
 */
export class AutomaticFailover {
  constructor(private readonly options: AutomaticFailoverOptions) {}

  async run(signal: AbortSignal = new AbortController().signal) {
    const { config, regions, replication, upstreamRegionOf, logger } =
      this.options;
    if (!config.enabled || !config.regions.length) {
      return;
    }
    const [snapshot, states] = await Promise.all([
      regions.getSnapshot(),
      replication.getLatestStates(),
    ]);
    const plans = topologyPlans(snapshot.regions, states, upstreamRegionOf);
    const known = new Set(snapshot.regions.map(r => stringifyEntityRef(r)));
    for (const region of config.regions) {
      if (signal.aborted) {
        return;
      }
      if (!known.has(region) || !automaticFailoverCovers(config, region)) {
        continue;
      }
      try {
        const verdict = await this.judge(
          region,
          plans.filter(plan => plan.region === region),
          signal,
        );
        if (!signal.aborted) {
          await this.record(region, verdict);
        }
      } catch (error) {
        logger.warn(
          `Automatic failover policy could not judge ${region}: ${error}`,
        );
      }
    }
  }

  private async judge(
    region: string,
    plans: PlanKey[],
    signal: AbortSignal,
  ): Promise<Verdict> {
    const { config, health, runs } = this.options;
    const probes = await health.regionProbes(region);
    if (!probes.length) {
      return held(
        null,
        `${region} has no probes (regions.probes): the policy cannot tell when it is down`,
        'no-probes',
      );
    }
    const up = probes.filter(
      probe => probe.consecutiveFailures < config.consecutiveChecks,
    );
    if (up.length) {
      return { kind: 'watching' };
    }
    const down = `${probes
      .map(probe => `${probe.name} (${probe.lastError ?? probe.reason})`)
      .join(', ')} failed ${config.consecutiveChecks}+ checks in a row`;

    const since = new Date(Date.now() - config.cooldownMs);
    const recent = (await runs.listRuns(region, since)).find(changedRoles);
    if (recent) {
      return held(
        null,
        `${down}, but run ${recent.id} (${recent.mode}, ${recent.status}) failed over ${region} at ${recent.createdAt}, within the cooldown`,
        `cooldown:${recent.id}`,
        recent.id,
      );
    }
    if (!plans.length) {
      return held(
        null,
        `${down}, but no standby of ${region} is observed to fail over to`,
        'no-standby',
      );
    }

    const refusals: string[] = [];
    for (const plan of plans) {
      const { facts, checks } = await this.options.planner.evaluate(
        { region, target: plan.target, mode: 'failover' },
        outsideRun({
          signal: AbortSignal.any([
            signal,
            AbortSignal.timeout(PREFLIGHT_TIMEOUT_MS),
          ]),
        }),
      );
      if (facts.source.state) {
        // The probes' path is broken, not the primary: failing over would
        // fence a primary that serves its clients.
        return held(
          plan.target,
          `${down}, but ${region}'s database still answers (${facts.source.state.role} at ${facts.source.state.lsn})`,
          'database-answers',
        );
      }
      const blocking = blockingChecks(checks, false);
      if (!blocking.length) {
        return config.dryRun
          ? {
              kind: 'decided',
              action: 'would-start',
              target: plan.target,
              reason: `would have failed over ${region} to ${plan.target}, because ${down} and its database does not answer (dry run: nothing was changed)`,
              state: `would-start:${plan.target}`,
            }
          : this.start(region, plan.target, down);
      }
      refusals.push(`${plan.target}: ${describe(blocking)}`);
    }
    return held(
      null,
      `${down} and its database does not answer, but no standby passes the pre-flight — ${refusals.join(
        '; ',
      )}`,
      `refused:${refusals.join(';')}`,
    );
  }

  private async start(
    region: string,
    target: string,
    down: string,
  ): Promise<Verdict> {
    const { orchestrator, auditor } = this.options;
    const audit = await auditor.createEvent({
      eventId: 'automatic-failover',
      severityLevel: 'critical',
      meta: { region, target, actor: AUTOMATIC_FAILOVER_ACTOR },
    });
    try {
      const run = await orchestrator.start(
        { region, target, mode: 'failover', dryRun: false, force: false },
        AUTOMATIC_FAILOVER_ACTOR,
        { approvedByPolicy: true },
      );
      await audit.success({ meta: { runId: run.id } });
      return {
        kind: 'decided',
        action: 'started',
        target,
        reason: `failed over ${region} to ${target} (run ${run.id}), because ${down} and its database does not answer`,
        state: `started:${run.id}`,
      };
    } catch (error) {
      await audit.fail({ error: error as Error });
      return held(
        target,
        `${down}, but the run could not start: ${(error as Error).message}`,
        `start-failed:${(error as Error).message}`,
      );
    }
  }

  /** Records and tells a decision when it differs from the region's last one. */
  private async record(region: string, verdict: Verdict) {
    const { states, decisions, logger } = this.options;
    const key = `automatic-failover:${region}`;
    const state = verdict.kind === 'watching' ? 'watching' : verdict.state;
    const previous = await states.transition(key, state);
    if (previous === undefined || verdict.kind === 'watching') {
      return;
    }
    // The cooldown that follows a run the policy started is that run's sequel.
    if (verdict.continues && previous === `started:${verdict.continues}`) {
      return;
    }
    const decision = await decisions.recordAutomaticDecision({
      region,
      target: verdict.target,
      action: verdict.action,
      reason: verdict.reason,
      runId: verdict.state.startsWith('started:')
        ? verdict.state.slice('started:'.length)
        : null,
    });
    logger.info(`Automatic failover policy: ${decision.reason}`);
    await this.tell(decision).catch(error =>
      logger.warn(
        `Could not tell the owners of ${region} about the automatic failover decision: ${error}`,
      ),
    );
  }

  private async tell(decision: AutomaticFailoverDecision) {
    const { namespace, name } = parseEntityRef(decision.region);
    const titles: Record<AutomaticFailoverDecision['action'], string> = {
      started: `Meridian started an automatic failover of ${name}`,
      'would-start': `Meridian would have failed over ${name} (dry run)`,
      held: `Meridian held back an automatic failover of ${name}`,
    };
    await this.options.notifications.send({
      recipients: {
        type: 'entity',
        entityRef: [
          decision.region,
          ...(decision.target ? [decision.target] : []),
        ],
      },
      payload: {
        title: titles[decision.action],
        description: decision.reason,
        severity: decision.action === 'started' ? 'critical' : 'high',
        topic: 'regions-automatic-failover',
        link: `/catalog/${namespace}/region/${name}/failovers`,
        scope: `automatic-failover:${decision.region}`,
      },
    });
  }
}

function held(
  target: string | null,
  reason: string,
  state: string,
  continues?: string,
): Verdict {
  return {
    kind: 'decided',
    action: 'held',
    target,
    reason,
    state: `held:${state}`,
    continues,
  };
}

/** A run that moved (or may be moving) the region's primary. */
function changedRoles(run: FailoverRun): boolean {
  if (run.dryRun || run.mode === 'drill') {
    return false;
  }
  return !['refused', 'cancelled', 'expired'].includes(run.status);
}

function describe(checks: FailoverPreflightCheck[]): string {
  return checks.map(check => `${check.title}: ${check.detail}`).join('; ');
}
