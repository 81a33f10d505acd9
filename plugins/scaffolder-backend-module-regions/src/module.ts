import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createRegionCreateAction } from './actions/regionCreate';
import { createFailoverRunAction } from './actions/failoverRun';

/**
 * Adds Meridian's region actions to the scaffolder.
 * @public
 */
export const scaffolderModuleRegions = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'regions',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ scaffolder, discovery, auth }) {
        scaffolder.addActions(createRegionCreateAction());
        scaffolder.addActions(createFailoverRunAction({ discovery, auth }));
      },
    });
  },
});
