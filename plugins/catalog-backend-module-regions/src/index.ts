/**
 * Catalog backend module for Meridian: the `Region` kind
 * (`meridian.dev/v1alpha1`), its validation, and the relations it brings —
 * `spokeOf`/`hubOf`, `replicaOf`/`hasReplica`, and `deployedIn`/`hosts` for
 * entities carrying the `meridian.dev/regions` annotation.
 *
 * @packageDocumentation
 */
export { catalogModuleRegions as default } from './module';
export { RegionEntitiesProcessor } from './processor/RegionEntitiesProcessor';
export { LandedRegionsEntityProvider } from './provider/LandedRegionsEntityProvider';
