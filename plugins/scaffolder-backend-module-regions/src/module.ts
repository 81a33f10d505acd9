import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createCidrAllocateAction } from './actions/cidrAllocate';
import { createRegionCreateAction } from './actions/regionCreate';
import { createFailoverRunAction } from './actions/failoverRun';
import { createRegionRegisterAction } from './actions/regionRegister';

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
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, discovery, auth, catalog }) {
        const regionsBackend = { discovery, auth };
        scaffolder.addActions(
          createCidrAllocateAction(regionsBackend),
          createRegionCreateAction({ ...regionsBackend, catalog }),
          createRegionRegisterAction(regionsBackend),
          createFailoverRunAction(regionsBackend),
        );
      },
    });
  },
});
