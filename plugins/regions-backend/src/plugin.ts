import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  RegionConflictRule,
  ReadinessCheck,
  regionsConflictRulesExtensionPoint,
  regionsReadinessChecksExtensionPoint,
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
import { builtInConflictRules } from './conflicts';
import { DatabaseRegionsStore } from './database/DatabaseRegionsStore';
import { ReplicationStore } from './database/ReplicationStore';
import { ReadinessStore } from './database/ReadinessStore';
import { createBuiltInReadinessChecks } from './readiness/checks';
import {
  READINESS_EVALUATION_TASK_ID,
  readReadinessSchedule,
  readReadinessSettings,
} from './readiness/config';
import { ReadinessEvaluator } from './readiness/ReadinessEvaluator';
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

    // Checks added by modules, scored after the built-in ones.
    const addedReadinessChecks: ReadinessCheck[] = [];
    env.registerExtensionPoint(regionsReadinessChecksExtensionPoint, {
      addReadinessCheck(...checks) {
        addedReadinessChecks.push(...checks);
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

        const readinessChecks = [
          ...createBuiltInReadinessChecks({
            catalog,
            auth,
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

        httpRouter.use(
          await createRouter({
            store,
            replication: {
              store: replicationStore,
              collector: replicationCollector,
            },
            readiness: readinessEvaluator,
          }),
        );
      },
    });
  },
});
