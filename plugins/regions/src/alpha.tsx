import { Content } from '@backstage/core-components';
import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import PublicIcon from '@material-ui/icons/Public';
import { RegionsClient, regionsApiRef } from './api';
import { isDeployedInRegions } from './lib/deployedRegions';
import {
  rootRouteRef,
  scaffolderTemplateRouteRef,
  techdocsReaderRouteRef,
} from './routes';
import {
  cidrPoolPickerFormField,
  regionEntityPreviewFormField,
  regionPickerFormField,
} from './alphaFormFields';

const regionCardFilter = { kind: 'region' };

/** The HTTP client of the regions backend: `api:regions`. */
const regionsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: regionsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new RegionsClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The Regions page at /regions, `page:regions`. Its title and icon make it a
 * sidebar entry; the app draws the page header.
 */
const regionsPage = PageBlueprint.make({
  params: {
    path: '/regions',
    title: 'Regions',
    icon: <PublicIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/RegionsPage').then(m => (
        <Content>
          <m.RegionsPageContent />
        </Content>
      )),
  },
});

/*
 * The Region overview cards attach to the catalog's Overview tab. Its default
 * layout puts `content` cards in the main column and `info` cards in the
 * narrow column next to the catalog's About card.
 */

/** `entity-card:regions/region-details` */
const regionDetailsCard = EntityCardBlueprint.make({
  name: 'region-details',
  params: {
    type: 'content',
    filter: regionCardFilter,
    loader: () =>
      import('./components/RegionOverview').then(m => <m.RegionDetailsCard />),
  },
});

/** `entity-card:regions/region-conflicts` */
const regionConflictsCard = EntityCardBlueprint.make({
  name: 'region-conflicts',
  params: {
    type: 'content',
    filter: regionCardFilter,
    loader: () =>
      import('./components/RegionOverview').then(m => (
        <m.RegionConflictsCard />
      )),
  },
});

/** `entity-card:regions/region-relations` */
const regionRelationsCard = EntityCardBlueprint.make({
  name: 'region-relations',
  params: {
    type: 'content',
    filter: regionCardFilter,
    loader: () =>
      import('./components/RegionOverview').then(m => (
        <m.RegionRelationsCard />
      )),
  },
});

/** `entity-card:regions/region-health` */
const regionHealthCard = EntityCardBlueprint.make({
  name: 'region-health',
  params: {
    type: 'content',
    filter: regionCardFilter,
    loader: () =>
      import('./components/RegionHealth').then(m => <m.RegionHealthCard />),
  },
});

/** `entity-card:regions/region-plan` */
const regionPlanCard = EntityCardBlueprint.make({
  name: 'region-plan',
  params: {
    type: 'info',
    filter: regionCardFilter,
    loader: () =>
      import('./components/RegionPlan').then(m => <m.RegionPlanCard />),
  },
});

/** `entity-card:regions/region-runbooks` */
const regionRunbooksCard = EntityCardBlueprint.make({
  name: 'region-runbooks',
  params: {
    type: 'info',
    filter: regionCardFilter,
    loader: () =>
      import('./components/RegionOverview').then(m => <m.RegionRunbooksCard />),
  },
});

/**
 * `entity-card:regions/deployed-regions`, only on the entities that say which
 * regions they run in: a page without the annotation gets no empty card.
 */
const deployedRegionsCard = EntityCardBlueprint.make({
  name: 'deployed-regions',
  params: {
    type: 'content',
    filter: isDeployedInRegions,
    loader: () =>
      import('./components/EntityRegionsCard').then(m => (
        <m.EntityRegionsCard />
      )),
  },
});

/** `entity-content:regions/replication`, the Replication tab of Region pages. */
const replicationContent = EntityContentBlueprint.make({
  name: 'replication',
  params: {
    path: '/replication',
    title: 'Replication',
    filter: regionCardFilter,
    loader: () =>
      import('./components/ReplicationTab').then(m => <m.ReplicationTab />),
  },
});

/** `entity-content:regions/readiness`, the Readiness tab of Region pages. */
const readinessContent = EntityContentBlueprint.make({
  name: 'readiness',
  params: {
    path: '/readiness',
    title: 'Readiness',
    filter: regionCardFilter,
    loader: () =>
      import('./components/ReadinessTab').then(m => <m.ReadinessTab />),
  },
});

/** `entity-content:regions/failovers`, the Failovers tab of Region pages. */
const failoversContent = EntityContentBlueprint.make({
  name: 'failovers',
  params: {
    path: '/failovers',
    title: 'Failovers',
    filter: regionCardFilter,
    loader: () =>
      import('./components/FailoversTab').then(m => <m.FailoversTab />),
  },
});

/** `entity-content:regions/cost`, the Cost tab of Region pages. */
const costContent = EntityContentBlueprint.make({
  name: 'cost',
  params: {
    path: '/cost',
    title: 'Cost',
    filter: regionCardFilter,
    loader: () => import('./components/CostTab').then(m => <m.CostTab />),
  },
});

/**
 * The regions plugin for the new frontend system: the Regions page, the
 * Region overview cards, the Replication tab of Region pages and the regions
 * card of deployable entities.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'regions',
  title: 'Regions',
  icon: <PublicIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: { root: rootRouteRef },
  externalRoutes: {
    techdocsReader: techdocsReaderRouteRef,
    scaffolderTemplate: scaffolderTemplateRouteRef,
  },
  extensions: [
    regionsApi,
    regionsPage,
    regionDetailsCard,
    regionConflictsCard,
    regionRelationsCard,
    regionRunbooksCard,
    regionHealthCard,
    regionPlanCard,
    deployedRegionsCard,
    replicationContent,
    readinessContent,
    failoversContent,
    costContent,
    regionPickerFormField,
    cidrPoolPickerFormField,
    regionEntityPreviewFormField,
  ],
});
