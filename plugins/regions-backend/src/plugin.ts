import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
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
import { createAllocationRouter } from './allocation/router';
import { CidrAllocator } from './allocation/CidrAllocator';
import { readCidrPools } from './allocation/pools';
import { builtInConflictRules } from './conflicts';
import { AllocationStore } from './database/AllocationStore';
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

        const allocationStore = await AllocationStore.create({ database });
        httpRouter.use(
          createAllocationRouter({
            store: allocationStore,
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
