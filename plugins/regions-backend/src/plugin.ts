import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { regionsPermissions } from '@meridian/plugin-regions-common';
import { ReplicationSource } from '@meridian/plugin-regions-node';
import {
  CATALOG_SYNC_TASK_ID,
  readCatalogSyncSchedule,
  syncRegionsFromCatalog,
} from './catalog/syncRegionsFromCatalog';
import { PostgresReplicationSource } from './collectors/replication/PostgresReplicationSource';
import { PrometheusReplicationSource } from './collectors/replication/PrometheusReplicationSource';
import {
  readReplicationCollectorSchedule,
  readReplicationConcurrency,
  readReplicationRetention,
  REPLICATION_COLLECTOR_TASK_ID,
  ReplicationCollector,
  staleAfterMsOf,
} from './collectors/replication/ReplicationCollector';
import { setUpCost } from './collectors/cost/setUpCost';
import { createAllocationRouter } from './allocation/router';
import { CidrAllocator } from './allocation/CidrAllocator';
import { readCidrPools } from './allocation/pools';
import { databaseBindingRule, trafficBindingRule } from './conflicts';
import { AllocationStore } from './database/AllocationStore';
import { DatabaseRegionsStore } from './database/DatabaseRegionsStore';
import { ReplicationStore } from './database/ReplicationStore';
import { AlertStateStore } from './database/AlertStateStore';
import { LinkLatencyStore } from './database/LinkLatencyStore';
import { RegionAlerts } from './alerts/RegionAlerts';
import { recordRpoAlerts } from './alerts/replicationAlerts';
import {
  latencySchedule,
  readPrometheusLatencyConfig,
} from './collectors/latency/config';
import { setUpProbes } from './collectors/probes/setUpProbes';
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
import { FailoverStore } from './database/FailoverStore';
import { readFailoverConfig } from './failover/config';
import { builtInFencers, FencerRegistry } from './failover/fencers';
import { SplitBrainGuard } from './failover/guard/SplitBrainGuard';
import { FailoverNotifications } from './failover/notifications';
import { PromotionDetector } from './failover/detection/PromotionDetector';
import { readPromotionRecord } from './failover/detection/promotionRecord';
import { PatroniPromoter } from './failover/promoters/PatroniPromoter';
import { PostgresPromoter } from './failover/promoters/PostgresPromoter';
import { builtInTrafficSwitchFactories } from './failover/traffic';
import { TrafficSwitchRegistry } from './failover/TrafficSwitchRegistry';
import { PlanStore } from './database/PlanStore';
import { readAutomaticFailoverConfig } from './failover/automatic/config';
import { readPlanValidationSchedule } from './failover/validation/schedule';
import { registerRegionsActions } from './actions';
import { setUpFailover } from './failover/setUpFailover';
import { DriftPullRequests } from './service/driftPullRequest';
import { registerRegionsExtensionPoints } from './extensions';

/**
 * The `regions` backend plugin: keeps a snapshot of the catalog's Region
 * entities and the conflicts across them, and serves them at `/api/regions`.
 *
 * @public
 */
export const regionsPlugin = createBackendPlugin({
  pluginId: 'regions',
  register(env) {
    const extensions = registerRegionsExtensionPoints(env);

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
          ...extensions.trafficSwitchFactories,
          ...builtInTrafficSwitchFactories,
        ]);
        const fencers = new FencerRegistry([
          ...extensions.fencers,
          ...builtInFencers(),
        ]);
        // Patroni first: a node with a patroni block is driven through it
        const promoters = [
          ...extensions.promoters,
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
        const alertStates = await AlertStateStore.create({ database });
        const regionAlerts = new RegionAlerts({
          states: alertStates,
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
          sources: [
            ...extensions.replicationSources,
            ...builtInReplicationSources,
          ],
          logger,
          concurrency: readReplicationConcurrency(config),
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
                ...extensions.rules.values(),
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

        // Health probes: their task, health service and route.
        const probes = await setUpProbes({
          config,
          database,
          scheduler,
          alerts: regionAlerts,
          regions: store,
          logger,
        });
        httpRouter.use(probes.router);

        const linkLatencyStore = await LinkLatencyStore.create({ database });
        const measuredLinks = probes.withProbeLinks(linkLatencyStore);
        const prometheusLatency = readPrometheusLatencyConfig(config);
        const latencyCollector = new LatencyCollector({
          regions: store,
          store: linkLatencyStore,
          alerts: regionAlerts,
          logger,
          ...(prometheusLatency
            ? { prometheus: new PrometheusLinkLatency(prometheusLatency) }
            : {}),
          otherMeasurements: () => probes.health.linkMeasurements(),
        });
        if (prometheusLatency || probes.measuresLinks) {
          await scheduler.scheduleTask({
            id: LATENCY_COLLECTOR_TASK_ID,
            ...(prometheusLatency?.schedule ?? latencySchedule()),
            fn: signal => latencyCollector.run(signal),
          });
        }

        const readinessChecks = [
          ...createBuiltInReadinessChecks({
            catalog,
            auth,
            failoverHistory: failoverStore,
            // judged only where something measures latency: scores elsewhere keep
            linkLatency:
              prometheusLatency || probes.configured
                ? measuredLinks
                : undefined,
            plans: planStore,
            health: probes.configured ? probes.health : undefined,
            lagEvidenceMs: readLagEvidenceMs(config),
            replication: {
              store: replicationStore,
              sourceOf: region => replicationCollector.sourceOf(region)?.id,
              staleAfterMs: staleAfterMsOf(replicationSchedule),
            },
          }),
          ...extensions.readinessChecks,
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

        httpRouter.use(
          await setUpCost({
            config,
            database,
            scheduler,
            regions: store,
            sources: extensions.costSources,
            logger,
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

        const driftPullRequests = DriftPullRequests.fromConfig(config);
        const observedRoles = new ObservedRoles({
          nodes: failoverConfig.databases,
          promotions: since => failoverStore.listSucceededPromotions(since),
          landed: async () =>
            (await allocationStore.listLandings()).map(landing =>
              stringifyEntityRef(landing.entity),
            ),
          inGithub: region => Boolean(driftPullRequests.locate(region)),
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
            linkLatency: measuredLinks,
            health: probes.health,
          }),
        );

        permissionsRegistry.addPermissions(regionsPermissions);
        const failover = await setUpFailover({
          config: failoverConfig,
          automatic: automaticFailover,
          planValidationSchedule,
          regions: store,
          promoters,
          fencers,
          traffic,
          failovers: failoverStore,
          plans: planStore,
          replication: replicationStore,
          readiness: readinessEvaluator,
          observedRoles,
          health: probes.health,
          landings: allocationStore,
          driftPullRequests,
          alertStates,
          notifier: failoverNotifications,
          notifications,
          scheduler,
          lifecycle,
          httpAuth,
          permissions,
          auditor,
          logger,
        });
        failover.routers.forEach(router => httpRouter.use(router));
        registerRegionsActions({
          actionsRegistry,
          auth,
          orchestrator: failover.orchestrator,
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
