import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { regionsPermissions } from '@meridian/plugin-regions-common';
import {
  Fencer,
  Promoter,
  CostSource,
  regionsCostSourcesExtensionPoint,
  RegionConflictRule,
  ReadinessCheck,
  regionsConflictRulesExtensionPoint,
  regionsReadinessChecksExtensionPoint,
  regionsFailoverExtensionPoint,
  regionsFencersExtensionPoint,
  regionsReplicationSourcesExtensionPoint,
  ReplicationSource,
  TrafficSwitchFactory,
} from '@meridian/plugin-regions-node';
import {
  CATALOG_SYNC_TASK_ID,
  readCatalogSyncSchedule,
  syncRegionsFromCatalog,
} from './catalog/syncRegionsFromCatalog';
import { PostgresReplicationSource } from './collectors/replication/PostgresReplicationSource';
import { PrometheusReplicationSource } from './collectors/replication/PrometheusReplicationSource';
import {
  readReplicationCollectorSchedule,
  readReplicationRetention,
  REPLICATION_COLLECTOR_TASK_ID,
  ReplicationCollector,
  staleAfterMsOf,
} from './collectors/replication/ReplicationCollector';
import {
  COST_COLLECTOR_TASK_ID,
  CostCollector,
  readCostCollectorDepth,
  readCostCollectorSchedule,
} from './collectors/cost/CostCollector';
import {
  createCostRouter,
  readCostSettings,
} from './collectors/cost/costRouter';
import { OpenCostCostSource } from './collectors/cost/OpenCostCostSource';
import { createAllocationRouter } from './allocation/router';
import { CidrAllocator } from './allocation/CidrAllocator';
import { readCidrPools } from './allocation/pools';
import {
  builtInConflictRules,
  databaseBindingRule,
  trafficBindingRule,
} from './conflicts';
import { CostStore } from './database/CostStore';
import { AllocationStore } from './database/AllocationStore';
import { DatabaseRegionsStore } from './database/DatabaseRegionsStore';
import { ReplicationStore } from './database/ReplicationStore';
import { AlertStateStore } from './database/AlertStateStore';
import { LinkLatencyStore } from './database/LinkLatencyStore';
import { RegionAlerts } from './alerts/RegionAlerts';
import { recordRpoAlerts } from './alerts/replicationAlerts';
import { readPrometheusLatencyConfig } from './collectors/latency/config';
import {
  LATENCY_COLLECTOR_TASK_ID,
  LatencyCollector,
} from './collectors/latency/LatencyCollector';
import { PrometheusLinkLatency } from './collectors/latency/PrometheusLinkLatency';
import { ReadinessStore } from './database/ReadinessStore';
import { createBuiltInReadinessChecks } from './readiness/checks';
import {
  READINESS_EVALUATION_TASK_ID,
  readReadinessSchedule,
  readReadinessSettings,
  readLagEvidenceMs,
} from './readiness/config';
import { ReadinessEvaluator } from './readiness/ReadinessEvaluator';
import { createRouter } from './service/router';
import { ObservedRoles } from './service/observedRoles';
import { createDriftRouter } from './service/driftRouter';
import { FailoverStore } from './database/FailoverStore';
import { readFailoverConfig } from './failover/config';
import {
  FAILOVER_RECOVERY_TASK_ID,
  FailoverOrchestrator,
} from './failover/FailoverOrchestrator';
import { builtInFencers, FencerRegistry } from './failover/fencers';
import { SplitBrainGuard } from './failover/guard/SplitBrainGuard';
import { FailoverNotifications } from './failover/notifications';
import { PromotionDetector } from './failover/detection/PromotionDetector';
import { readPromotionRecord } from './failover/detection/promotionRecord';
import { FailoverPlanner } from './failover/plan/FailoverPlanner';
import { PatroniPromoter } from './failover/promoters/PatroniPromoter';
import { PostgresPromoter } from './failover/promoters/PostgresPromoter';
import { builtInTrafficSwitchFactories } from './failover/traffic';
import { TrafficSwitchRegistry } from './failover/TrafficSwitchRegistry';
import { createFailoverRouter } from './service/failoverRouter';
import { PlanStore } from './database/PlanStore';
import { readAutomaticFailoverConfig } from './failover/automatic/config';
import { PlanNotifications } from './failover/validation/planNotifications';
import { PlanValidator } from './failover/validation/PlanValidator';
import {
  PLAN_VALIDATION_TASK_ID,
  readPlanValidationSchedule,
} from './failover/validation/schedule';
import { createPlanRouter } from './service/planRouter';
import { registerRegionsActions } from './actions';

/**
 * The `regions` backend plugin: keeps a snapshot of the catalog's Region
 * entities and the conflicts across them, and serves them at `/api/regions`.
 *
 * @public
 */
export const regionsPlugin = createBackendPlugin({
  pluginId: 'regions',
  register(env) {
    const rules = new Map<string, RegionConflictRule>(
      builtInConflictRules.map(rule => [rule.id, rule]),
    );
    env.registerExtensionPoint(regionsConflictRulesExtensionPoint, {
      addConflictRule(...added) {
        for (const rule of added) {
          if (rules.has(rule.id)) {
            throw new Error(
              `A region conflict rule with id '${rule.id}' is already registered`,
            );
          }
          rules.set(rule.id, rule);
        }
      },
    });

    // Sources added by modules, asked before the built-in ones.
    const addedReplicationSources: ReplicationSource[] = [];
    env.registerExtensionPoint(regionsReplicationSourcesExtensionPoint, {
      addReplicationSource(...sources) {
        addedReplicationSources.push(...sources);
      },
    });

    // Checks added by modules, scored after the built-in ones.
    const addedReadinessChecks: ReadinessCheck[] = [];
    env.registerExtensionPoint(regionsReadinessChecksExtensionPoint, {
      addReadinessCheck(...checks) {
        addedReadinessChecks.push(...checks);
      },
    });

    // Promoters and traffic drivers added by modules, ahead of the built-in ones.
    const addedPromoters: Promoter[] = [];
    const trafficSwitchFactories: TrafficSwitchFactory[] = [];
    env.registerExtensionPoint(regionsFailoverExtensionPoint, {
      addPromoter(...promoters) {
        addedPromoters.push(...promoters);
      },
      addTrafficSwitchFactory(...factories) {
        trafficSwitchFactories.push(...factories);
      },
    });

    // Fencers added by modules, asked before the built-in patroni, sql and command ones.
    const addedFencers: Fencer[] = [];
    env.registerExtensionPoint(regionsFencersExtensionPoint, {
      addFencer(...fencers) {
        addedFencers.push(...fencers);
      },
    });

    // Cost sources added by modules, asked before the built-in OpenCost one.
    const addedCostSources: CostSource[] = [];
    env.registerExtensionPoint(regionsCostSourcesExtensionPoint, {
      addCostSource(...sources) {
        addedCostSources.push(...sources);
      },
    });

    env.registerInit({
      deps: {
        actionsRegistry: actionsRegistryServiceRef,
        auditor: coreServices.auditor,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        notifications: notificationService,
        scheduler: coreServices.scheduler,
      },
      async init({
        actionsRegistry,
        auditor,
        httpAuth,
        permissions,
        permissionsRegistry,
        auth,
        catalog,
        config,
        database,
        httpRouter,
        lifecycle,
        logger,
        notifications,
        scheduler,
      }) {
        const store = await DatabaseRegionsStore.create({ database });
        const failoverStore = await FailoverStore.create({ database });
        const planStore = await PlanStore.create({ database });

        // The trust root: which nodes and switches serve which regions.
        const failoverConfig = readFailoverConfig(config);
        const automaticFailover = readAutomaticFailoverConfig(config);
        const planValidationSchedule = readPlanValidationSchedule(config);
        const traffic = TrafficSwitchRegistry.fromConfig(config, [
          ...trafficSwitchFactories,
          ...builtInTrafficSwitchFactories,
        ]);
        const fencers = new FencerRegistry([
          ...addedFencers,
          ...builtInFencers(),
        ]);
        // Patroni first: a node with a patroni block is driven through it
        const promoters = [
          ...addedPromoters,
          new PatroniPromoter(),
          new PostgresPromoter(),
        ];

        const replicationSchedule = readReplicationCollectorSchedule(config);
        const replicationStore = await ReplicationStore.create({
          database,
          staleAfterMs: staleAfterMsOf(replicationSchedule),
          retention: readReplicationRetention(config),
        });
        // The sources that ship with the plugin, asked after those of modules.
        const postgresSource = PostgresReplicationSource.fromConfig(config, {
          logger,
        });
        lifecycle.addShutdownHook(() => postgresSource.close());
        const prometheusSource = PrometheusReplicationSource.fromConfig(
          config,
          { logger },
        );
        const builtInReplicationSources: ReplicationSource[] = [
          postgresSource,
          ...(prometheusSource ? [prometheusSource] : []),
        ];
        const splitBrainGuard = new SplitBrainGuard({
          conflicts: store,
          failovers: failoverStore,
          nodes: failoverConfig.databases,
          fencers,
          promoters,
          logger,
        });
        const failoverNotifications = new FailoverNotifications(notifications);
        const regionAlerts = new RegionAlerts({
          states: await AlertStateStore.create({ database }),
          notifications,
          logger,
        });
        const promotionDetector = new PromotionDetector({
          failovers: failoverStore,
          regions: store,
          nodes: failoverConfig.databases,
          readPromotion: readPromotionRecord,
          onDetected: run =>
            failoverNotifications
              .ended(run)
              .catch(error =>
                logger.warn(
                  `Could not notify the owners about failover run ${run.id}: ${error}`,
                ),
              ),
          logger,
        });
        const replicationCollector = new ReplicationCollector({
          regions: store,
          store: replicationStore,
          sources: [...addedReplicationSources, ...builtInReplicationSources],
          logger,
          afterTick: async (samples, previous, signal) => {
            await splitBrainGuard.check(samples, signal);
            await promotionDetector.check(samples, previous);
            await recordRpoAlerts(regionAlerts, samples);
          },
        });

        await scheduler.scheduleTask({
          id: CATALOG_SYNC_TASK_ID,
          ...readCatalogSyncSchedule(config),
          fn: () =>
            syncRegionsFromCatalog({
              catalog,
              auth,
              store,
              rules: [
                ...rules.values(),
                databaseBindingRule(failoverConfig.databases),
                trafficBindingRule(traffic),
              ],
              logger,
            }),
        });

        await scheduler.scheduleTask({
          id: REPLICATION_COLLECTOR_TASK_ID,
          ...replicationSchedule,
          fn: signal => replicationCollector.run(signal),
        });

        const linkLatencyStore = await LinkLatencyStore.create({ database });
        const prometheusLatency = readPrometheusLatencyConfig(config);
        const latencyCollector = new LatencyCollector({
          regions: store,
          store: linkLatencyStore,
          alerts: regionAlerts,
          logger,
          ...(prometheusLatency
            ? { prometheus: new PrometheusLinkLatency(prometheusLatency) }
            : {}),
        });
        if (prometheusLatency) {
          await scheduler.scheduleTask({
            id: LATENCY_COLLECTOR_TASK_ID,
            ...prometheusLatency.schedule,
            fn: signal => latencyCollector.run(signal),
          });
        }

        const readinessChecks = [
          ...createBuiltInReadinessChecks({
            catalog,
            auth,
            failoverHistory: failoverStore,
            linkLatency: linkLatencyStore,
            plans: planStore,
            lagEvidenceMs: readLagEvidenceMs(config),
            replication: {
              store: replicationStore,
              sourceOf: region => replicationCollector.sourceOf(region)?.id,
              staleAfterMs: staleAfterMsOf(replicationSchedule),
            },
          }),
          ...addedReadinessChecks,
        ];
        const readinessCheckIds = new Set<string>();
        for (const check of readinessChecks) {
          if (readinessCheckIds.has(check.id)) {
            throw new Error(
              `A readiness check with id '${check.id}' is already registered`,
            );
          }
          readinessCheckIds.add(check.id);
        }
        const readinessEvaluator = new ReadinessEvaluator({
          regions: store,
          store: await ReadinessStore.create({ database }),
          checks: readinessChecks,
          settings: readReadinessSettings(config, readinessChecks),
          logger,
        });
        await scheduler.scheduleTask({
          id: READINESS_EVALUATION_TASK_ID,
          ...readReadinessSchedule(config),
          fn: signal => readinessEvaluator.run(signal),
        });

        const costStore = await CostStore.create({ database });
        const openCostSource = OpenCostCostSource.fromConfig(config, {
          logger,
        });
        const costCollector = new CostCollector({
          regions: store,
          store: costStore,
          sources: [
            ...addedCostSources,
            ...(openCostSource ? [openCostSource] : []),
          ],
          logger,
          depth: readCostCollectorDepth(config),
        });
        await scheduler.scheduleTask({
          id: COST_COLLECTOR_TASK_ID,
          ...readCostCollectorSchedule(config),
          fn: signal => costCollector.run(signal),
        });
        httpRouter.use(
          await createCostRouter({
            regions: store,
            store: costStore,
            collector: costCollector,
            ...readCostSettings(config),
          }),
        );

        const allocationStore = await AllocationStore.create({ database });
        httpRouter.use(
          createAllocationRouter({
            store: allocationStore,
            httpAuth,
            permissions,
            auditor,
            allocator: new CidrAllocator({
              pools: readCidrPools(config),
              store: allocationStore,
              // landed regions count before the catalog serves them
              regions: async () => [
                ...(await store.getSnapshot()).regions,
                ...(await allocationStore.listLandings()).map(l => l.entity),
              ],
            }),
          }),
        );

        const observedRoles = new ObservedRoles({
          nodes: failoverConfig.databases,
          promotions: since => failoverStore.listSucceededPromotions(since),
          landed: async () =>
            (await allocationStore.listLandings()).map(landing =>
              stringifyEntityRef(landing.entity),
            ),
        });
        httpRouter.use(
          await createRouter({
            store,
            replication: {
              store: replicationStore,
              collector: replicationCollector,
            },
            readiness: readinessEvaluator,
            observedRoles,
            linkLatency: linkLatencyStore,
          }),
        );

        permissionsRegistry.addPermissions(regionsPermissions);
        const planner = new FailoverPlanner({
          regions: store,
          nodes: failoverConfig.databases,
          promoters,
          fencers,
          traffic,
          maxLagBytes: failoverConfig.maxLagBytes,
          observed: replicationStore,
          holds: failoverStore,
          // the target's score, once evaluated: unready targets need force
          readiness: {
            async getScore(regionRef) {
              const readiness = await readinessEvaluator.getReadiness(
                regionRef,
              );
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
        const failoverOrchestrator = new FailoverOrchestrator({
          store: failoverStore,
          planner,
          fencers,
          logger,
          approvals: failoverConfig.approvals,
          approvalTimeoutMs: failoverConfig.approvalTimeoutMs,
          notifier: failoverNotifications,
        });
        // A graceful shutdown stops runs after their current step.
        lifecycle.addShutdownHook(() => failoverOrchestrator.shutdown());
        await scheduler.scheduleTask({
          id: FAILOVER_RECOVERY_TASK_ID,
          frequency: { seconds: 15 },
          timeout: { minutes: 1 },
          initialDelay: { seconds: 0 },
          fn: () => failoverOrchestrator.interruptStaleRuns(),
        });
        const planValidator = new PlanValidator({
          regions: store,
          replication: replicationStore,
          upstreamRegionOf: upstream =>
            observedRoles.upstreamRegionOf(upstream),
          planner,
          store: planStore,
          notifier: new PlanNotifications(notifications),
          logger,
        });
        await scheduler.scheduleTask({
          id: PLAN_VALIDATION_TASK_ID,
          ...planValidationSchedule,
          fn: signal => planValidator.run(signal),
        });
        httpRouter.use(
          createPlanRouter({
            regions: store,
            replication: replicationStore,
            plans: planStore,
            automatic: automaticFailover,
          }),
        );
        httpRouter.use(
          createDriftRouter({
            regions: store,
            replication: replicationStore,
            observedRoles,
            landings: allocationStore,
            httpAuth,
            permissions,
            auditor,
          }),
        );
        httpRouter.use(
          await createFailoverRouter({
            orchestrator: failoverOrchestrator,
            store: failoverStore,
            regions: store,
            httpAuth,
            permissions,
            auditor,
          }),
        );
        registerRegionsActions({
          actionsRegistry,
          auth,
          orchestrator: failoverOrchestrator,
          regions: store,
          permissions,
          auditor,
          replication: {
            store: replicationStore,
            collector: replicationCollector,
          },
          readiness: readinessEvaluator,
          failovers: failoverStore,
          observedRoles,
          appBaseUrl: config.getOptionalString('app.baseUrl'),
        });
      },
    });
  },
});
