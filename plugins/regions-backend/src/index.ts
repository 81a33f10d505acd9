/**
 * The Meridian `regions` backend plugin: a snapshot of the catalog's Region
 * entities in its own database, conflict detection across regions, and the
 * `/api/regions` REST API.
 *
 * @packageDocumentation
 */
export { regionsPlugin as default } from './plugin';
export { PostgresReplicationSource } from './collectors/replication/PostgresReplicationSource';
export { PrometheusReplicationSource } from './collectors/replication/PrometheusReplicationSource';
export type { NodeSharingSource } from './collectors/replication/ReplicationCollector';
export { RegionHealth } from './collectors/probes/RegionHealth';
