import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { RegionsClient, regionsApiRef } from './api';
import {
  rootRouteRef,
  scaffolderTemplateRouteRef,
  techdocsReaderRouteRef,
} from './routes';

/**
 * The regions plugin for apps on the legacy frontend system. New apps use the
 * default export of `@meridian/plugin-regions/alpha` instead.
 *
 * @public
 */
export const regionsPlugin = createPlugin({
  id: 'regions',
  apis: [
    createApiFactory({
      api: regionsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new RegionsClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
  },
  externalRoutes: {
    techdocsReader: techdocsReaderRouteRef,
    scaffolderTemplate: scaffolderTemplateRouteRef,
  },
});

/**
 * The Regions page: every region in a table and as a topology graph.
 *
 * @public
 */
export const RegionsPage = regionsPlugin.provide(
  createRoutableExtension({
    name: 'RegionsPage',
    component: () =>
      import('./components/RegionsPage').then(m => m.RegionsPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The overview of a Region entity: details, relations, conflicts and runbooks.
 *
 * @public
 */
export const EntityRegionOverviewContent = regionsPlugin.provide(
  createComponentExtension({
    name: 'EntityRegionOverviewContent',
    component: {
      lazy: () =>
        import('./components/RegionOverview').then(
          m => m.RegionOverviewContent,
        ),
    },
  }),
);

/**
 * The Replication tab of a Region entity: status against the RPO, replicas or
 * the standby's own view, and the lag history.
 *
 * @public
 */
export const EntityRegionReplicationContent = regionsPlugin.provide(
  createComponentExtension({
    name: 'EntityRegionReplicationContent',
    component: {
      lazy: () =>
        import('./components/ReplicationTab').then(m => m.ReplicationTab),
    },
  }),
);

/**
 * The Failovers tab of a Region entity: every drill, switchover and failover
 * run with its steps and logs, followed live, and the "Fail over…" dialog.
 *
 * @public
 */
export const EntityRegionFailoversContent = regionsPlugin.provide(
  createComponentExtension({
    name: 'EntityRegionFailoversContent',
    component: {
      lazy: () => import('./components/FailoversTab').then(m => m.FailoversTab),
    },
  }),
);

/**
 * The Cost tab of a Region entity: month to date and forecast against its
 * budget, daily cost and breakdown, efficiency, and for a hub its spokes.
 *
 * @public
 */
export const EntityRegionCostContent = regionsPlugin.provide(
  createComponentExtension({
    name: 'EntityRegionCostContent',
    component: {
      lazy: () => import('./components/CostTab').then(m => m.CostTab),
    },
  }),
);

/**
 * Every spec field of a Region entity.
 *
 * @public
 */
export const EntityRegionDetailsCard = regionsPlugin.provide(
  createComponentExtension({
    name: 'EntityRegionDetailsCard',
    component: {
      lazy: () =>
        import('./components/RegionOverview').then(m => m.RegionDetailsCard),
    },
  }),
);

/**
 * The hub, spokes, replication and hosted entities of a Region entity.
 *
 * @public
 */
export const EntityRegionRelationsCard = regionsPlugin.provide(
  createComponentExtension({
    name: 'EntityRegionRelationsCard',
    component: {
      lazy: () =>
        import('./components/RegionOverview').then(m => m.RegionRelationsCard),
    },
  }),
);

/**
 * The conflicts the regions backend found for a Region entity.
 *
 * @public
 */
export const EntityRegionConflictsCard = regionsPlugin.provide(
  createComponentExtension({
    name: 'EntityRegionConflictsCard',
    component: {
      lazy: () =>
        import('./components/RegionOverview').then(m => m.RegionConflictsCard),
    },
  }),
);

/**
 * A link to a Region entity's runbooks in TechDocs.
 *
 * @public
 */
export const EntityRegionRunbooksCard = regionsPlugin.provide(
  createComponentExtension({
    name: 'EntityRegionRunbooksCard',
    component: {
      lazy: () =>
        import('./components/RegionOverview').then(m => m.RegionRunbooksCard),
    },
  }),
);

/**
 * The regions a Component, System or Resource is deployed in.
 *
 * @public
 */
export const EntityRegionsCard = regionsPlugin.provide(
  createComponentExtension({
    name: 'EntityRegionsCard',
    component: {
      lazy: () =>
        import('./components/EntityRegionsCard').then(m => m.EntityRegionsCard),
    },
  }),
);

/**
 * The Readiness tab of a Region entity: the production-readiness score
 * against the threshold, each category's checks with their evidence, and the
 * score's trend.
 *
 * @public
 */
export const EntityRegionReadinessContent = regionsPlugin.provide(
  createComponentExtension({
    name: 'EntityRegionReadinessContent',
    component: {
      lazy: () => import('./components/ReadinessTab').then(m => m.ReadinessTab),
    },
  }),
);

/**
 * The regions' health at a glance, for a home page: how many breach their
 * RPO, are not ready, are down and are over budget.
 *
 * @public
 */
export const HomePageRegionsAtAGlance = regionsPlugin.provide(
  createComponentExtension({
    name: 'HomePageRegionsAtAGlance',
    component: {
      lazy: () =>
        import('./components/RegionsAtAGlance').then(m => m.RegionsAtAGlance),
    },
  }),
);
