/**
 * Extension points and interfaces for backend modules that extend the Meridian
 * `regions` backend plugin.
 *
 * @packageDocumentation
 */
export * from './conflicts';
export * from './replication';
export * from './failover';
export * from './readiness';
export * from './cost';
