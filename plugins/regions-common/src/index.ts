/**
 * Types, schema, validators, relation and annotation names, permissions and
 * API types shared by the Meridian regions packages.
 *
 * @packageDocumentation
 */
export * from './entity/constants';
export * from './entity/RegionEntity';
export * from './entity/refs';
export * from './entity/validation';
export * from './cidr/cidr';
export * from './permissions/permissions';
export * from './api/types';
export * from './api/topology';
export * from './api/replication';
export * from './api/failover';
export * from './api/readiness';
export * from './api/health';
export * from './api/plan';
export * from './api/cost';
export * from './api/allocation';
export * from './entity/buildRegionEntity';
export * from './entity/wireguard';
