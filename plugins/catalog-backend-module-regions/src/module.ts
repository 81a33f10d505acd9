import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { RegionEntitiesProcessor } from './processor/RegionEntitiesProcessor';
import { LandedRegionsEntityProvider } from './provider/LandedRegionsEntityProvider';

/**
 * Adds the `Region` kind to the catalog: its validation and its relations,
 * and the regions templates landed without a git host.
 *
 * @public
 */
export const catalogModuleRegions = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'regions',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({ catalog, discovery, auth, logger, scheduler }) {
        catalog.addProcessor(new RegionEntitiesProcessor());

        const landed = new LandedRegionsEntityProvider({
          discovery,
          auth,
          logger,
        });
        catalog.addEntityProvider(landed);
        await scheduler.scheduleTask({
          id: 'meridian-landed-regions-refresh',
          frequency: { seconds: 5 },
          timeout: { seconds: 30 },
          // the regions backend starts alongside the catalog
          initialDelay: { seconds: 5 },
          fn: () => landed.refresh(),
        });
      },
    });
  },
});
