/**
 * The Meridian regions frontend plugin: the Regions page, the Region entity
 * overview and Replication tab, and a regions card for the entities deployed in them.
 *
 * This entry point serves apps on the legacy frontend system; the new
 * frontend system plugin is the default export of `./alpha`.
 *
 * @packageDocumentation
 */
export {
  regionsPlugin,
  RegionsPage,
  EntityRegionOverviewContent,
  EntityRegionReplicationContent,
  EntityRegionReadinessContent,
  EntityRegionFailoversContent,
  EntityRegionCostContent,
  EntityRegionDetailsCard,
  EntityRegionRelationsCard,
  EntityRegionConflictsCard,
  EntityRegionRunbooksCard,
  EntityRegionsCard,
  HomePageRegionsAtAGlance,
} from './plugin';
export * from './api';
export {
  rootRouteRef,
  techdocsReaderRouteRef,
  scaffolderTemplateRouteRef,
} from './routes';
export { isDeployedInRegions } from './lib/deployedRegions';
export {
  RegionPickerFieldExtension,
  CidrPoolPickerFieldExtension,
  RegionEntityPreviewFieldExtension,
} from './fieldExtensions';
