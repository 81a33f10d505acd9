import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  CostSource,
  regionsCostSourcesExtensionPoint,
  RegionConflictRule,
  regionsConflictRulesExtensionPoint,
  regionsReplicationSourcesExtensionPoint,
  ReplicationSource,
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
  readCostCurrency,
} from './collectors/cost/costRouter';
import { OpenCostCostSource } from './collectors/cost/OpenCostCostSource';
import { builtInConflictRules } from './conflicts';
import { CostStore } from './database/CostStore';
import { DatabaseRegionsStore } from './database/DatabaseRegionsStore';
import { ReplicationStore } from './database/ReplicationStore';
import { createRouter } from './service/router';

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

    // Cost sources added by modules, asked before the built-in OpenCost one.
    const addedCostSources: CostSource[] = [];
    env.registerExtensionPoint(regionsCostSourcesExtensionPoint, {
      addCostSource(...sources) {
        addedCostSources.push(...sources);
      },
    });

    env.registerInit({
      deps: {
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({
        auth,
        catalog,
        config,
        database,
        httpRouter,
        lifecycle,
        logger,
        scheduler,
      }) {
        const store = await DatabaseRegionsStore.create({ database });

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
        const replicationCollector = new ReplicationCollector({
          regions: store,
          store: replicationStore,
          sources: [...addedReplicationSources, ...builtInReplicationSources],
          logger,
        });

        await scheduler.scheduleTask({
          id: CATALOG_SYNC_TASK_ID,
          ...readCatalogSyncSchedule(config),
          fn: () =>
            syncRegionsFromCatalog({
              catalog,
              auth,
              store,
              rules: [...rules.values()],
              logger,
            }),
        });

        await scheduler.scheduleTask({
          id: REPLICATION_COLLECTOR_TASK_ID,
          ...replicationSchedule,
          fn: signal => replicationCollector.run(signal),
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
            currency: readCostCurrency(config),
          }),
        );

        httpRouter.use(
          await createRouter({
            store,
            replication: {
              store: replicationStore,
              collector: replicationCollector,
            },
          }),
        );
      },
    });
  },
});
