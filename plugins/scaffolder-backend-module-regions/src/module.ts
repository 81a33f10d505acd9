import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createRegionCreateAction } from './actions/regionCreate';

/**
 * Adds Meridian's region actions to the scaffolder.
 * @public
 */
export const scaffolderModuleRegions = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'regions',
  register({ registerInit }) {
    registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions(createRegionCreateAction());
      },
    });
  },
});
