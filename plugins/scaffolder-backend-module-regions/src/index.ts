/**
 * Scaffolder actions to allocate, provision and fail over Meridian regions.
 *
 * @packageDocumentation
 */
export { scaffolderModuleRegions as default } from './module';
export { createRegionCreateAction } from './actions/regionCreate';
export type { RegionCreateActionOptions } from './actions/regionCreate';
export { createFailoverRunAction } from './actions/failoverRun';
export type { FailoverRunActionOptions } from './actions/failoverRun';
export { createCidrAllocateAction } from './actions/cidrAllocate';
export { createRegionRegisterAction } from './actions/regionRegister';
export type { RegionsBackendOptions } from './actions/regionsBackend';
