import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  RegionConflictRule,
  regionsConflictRulesExtensionPoint,
} from '@meridian/plugin-regions-node';
import {
  CATALOG_SYNC_TASK_ID,
  readCatalogSyncSchedule,
  syncRegionsFromCatalog,
} from './catalog/syncRegionsFromCatalog';
import { builtInConflictRules } from './conflicts';
import { DatabaseRegionsStore } from './database/DatabaseRegionsStore';
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

    env.registerInit({
      deps: {
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({
        auth,
        catalog,
        config,
        database,
        httpRouter,
        logger,
        scheduler,
      }) {
        const store = await DatabaseRegionsStore.create({ database });

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

        httpRouter.use(await createRouter({ store }));
      },
    });
  },
});
