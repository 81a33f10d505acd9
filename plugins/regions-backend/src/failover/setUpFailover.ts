import {
  AuditorService,
  HttpAuthService,
  LifecycleService,
  LoggerService,
  PermissionsService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { Promoter } from '@meridian/plugin-regions-node';
import express from 'express';
import { RegionHealth } from '../collectors/probes/RegionHealth';
import { AlertStateStore } from '../database/AlertStateStore';
import { AllocationStore } from '../database/AllocationStore';
import { DatabaseRegionsStore } from '../database/DatabaseRegionsStore';
import { FailoverStore } from '../database/FailoverStore';
import { PlanStore } from '../database/PlanStore';
import { ReplicationStore } from '../database/ReplicationStore';
import { ReadinessEvaluator } from '../readiness/ReadinessEvaluator';
import { DriftPullRequests } from '../service/driftPullRequest';
import { createDriftRouter } from '../service/driftRouter';
import { createFailoverRouter } from '../service/failoverRouter';
import { ObservedRoles } from '../service/observedRoles';
import { createPlanRouter } from '../service/planRouter';
import {
  AUTOMATIC_FAILOVER_TASK_ID,
  AutomaticFailover,
} from './automatic/AutomaticFailover';
import { AutomaticFailoverConfig } from './automatic/config';
import { FailoverConfig } from './config';
import {
  FAILOVER_RECOVERY_TASK_ID,
  FailoverNotifier,
  FailoverOrchestrator,
} from './FailoverOrchestrator';
import { FencerRegistry } from './fencers';
import { FailoverPlanner } from './plan/FailoverPlanner';
import { TrafficSwitchRegistry } from './TrafficSwitchRegistry';
import { PlanNotifications } from './validation/planNotifications';
import { PlanValidator } from './validation/PlanValidator';
import { PLAN_VALIDATION_TASK_ID } from './validation/schedule';

/**
 * Failover: the planner and the orchestrator of runs, the task that marks
 * runs of lost executors interrupted, the scheduled plan validation, the
 * automatic failover policy (when enabled), and their routes.
 */
export async function setUpFailover(deps: {
  config: FailoverConfig;
  automatic: AutomaticFailoverConfig;
  planValidationSchedule: SchedulerServiceTaskScheduleDefinition;
  regions: DatabaseRegionsStore;
  promoters: Promoter[];
  fencers: FencerRegistry;
  traffic: TrafficSwitchRegistry;
  failovers: FailoverStore;
  plans: PlanStore;
  replication: ReplicationStore;
  readiness: ReadinessEvaluator;
  observedRoles: ObservedRoles;
  health: RegionHealth;
  landings: AllocationStore;
  driftPullRequests: DriftPullRequests;
  alertStates: AlertStateStore;
  notifier: FailoverNotifier;
  notifications: NotificationService;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
}): Promise<{ orchestrator: FailoverOrchestrator; routers: express.Router[] }> {
  const { config, automatic, regions, failovers, plans, replication } = deps;
  const { observedRoles, scheduler, httpAuth, permissions, auditor, logger } =
    deps;
  const planner = new FailoverPlanner({
    regions,
    nodes: config.databases,
    promoters: deps.promoters,
    fencers: deps.fencers,
    traffic: deps.traffic,
    maxLagBytes: config.maxLagBytes,
    observed: replication,
    holds: failovers,
    // the target's score, once evaluated: unready targets need force
    readiness: {
      async getScore(regionRef) {
        const readiness = await deps.readiness.getReadiness(regionRef);
        return readiness.evaluatedAt
          ? {
              score: readiness.score,
              ready: readiness.ready,
              threshold: readiness.threshold,
            }
          : undefined;
      },
    },
  });
  const orchestrator = new FailoverOrchestrator({
    store: failovers,
    planner,
    fencers: deps.fencers,
    logger,
    approvals: config.approvals,
    approvalTimeoutMs: config.approvalTimeoutMs,
    notifier: deps.notifier,
  });
  // A graceful shutdown stops runs after their current step.
  deps.lifecycle.addShutdownHook(() => orchestrator.shutdown());
  await scheduler.scheduleTask({
    id: FAILOVER_RECOVERY_TASK_ID,
    frequency: { seconds: 15 },
    timeout: { minutes: 1 },
    initialDelay: { seconds: 0 },
    fn: () => orchestrator.interruptStaleRuns(),
  });

  const upstreamRegionOf = (upstream: string | undefined) =>
    observedRoles.upstreamRegionOf(upstream);
  const planValidator = new PlanValidator({
    regions,
    replication,
    upstreamRegionOf,
    planner,
    store: plans,
    notifier: new PlanNotifications(deps.notifications),
    logger,
  });
  await scheduler.scheduleTask({
    id: PLAN_VALIDATION_TASK_ID,
    ...deps.planValidationSchedule,
    fn: signal => planValidator.run(signal),
  });

  if (automatic.enabled) {
    const policy = new AutomaticFailover({
      config: automatic,
      regions,
      health: deps.health,
      replication,
      upstreamRegionOf,
      planner,
      orchestrator,
      runs: failovers,
      decisions: plans,
      states: deps.alertStates,
      notifications: deps.notifications,
      auditor,
      logger,
    });
    await scheduler.scheduleTask({
      id: AUTOMATIC_FAILOVER_TASK_ID,
      ...automatic.schedule,
      fn: signal => policy.run(signal),
    });
  }

  return {
    orchestrator,
    routers: [
      createPlanRouter({ regions, replication, plans, automatic }),
      createDriftRouter({
        regions,
        replication,
        observedRoles,
        landings: deps.landings,
        pullRequests: deps.driftPullRequests,
        httpAuth,
        permissions,
        auditor,
      }),
      await createFailoverRouter({
        orchestrator,
        store: failovers,
        regions,
        httpAuth,
        permissions,
        auditor,
      }),
    ],
  };
}
