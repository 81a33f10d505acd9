import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { ReplicationSource } from './types';

/**
 * Lets backend modules add replication sources to the regions plugin, ahead of
 * the built-in `postgres` and `prometheus` sources.
 * @public
 */
export interface RegionsReplicationSourcesExtensionPoint {
  addReplicationSource(...sources: ReplicationSource[]): void;
}

/** @public */
export const regionsReplicationSourcesExtensionPoint =
  createExtensionPoint<RegionsReplicationSourcesExtensionPoint>({
    id: 'regions.replication-sources',
  });
