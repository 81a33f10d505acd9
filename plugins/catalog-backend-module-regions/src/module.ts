import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { RegionEntitiesProcessor } from './processor/RegionEntitiesProcessor';

/**
 * Adds the `Region` kind to the catalog: its validation and its relations.
 *
 * @public
 */
export const catalogModuleRegions = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'regions',
  register(reg) {
    reg.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint },
      async init({ catalog }) {
        catalog.addProcessor(new RegionEntitiesProcessor());
      },
    });
  },
});
