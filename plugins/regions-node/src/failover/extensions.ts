import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Fencer, Promoter, TrafficSwitchFactory } from './types';

/**
 * Lets backend modules add database promoters and traffic-switch drivers to
 * the regions plugin's failover orchestrator, ahead of the built-in ones.
 * @public
 */
export interface RegionsFailoverExtensionPoint {
  addPromoter(...promoters: Promoter[]): void;
  addTrafficSwitchFactory(...factories: TrafficSwitchFactory[]): void;
}

/** @public */
export const regionsFailoverExtensionPoint =
  createExtensionPoint<RegionsFailoverExtensionPoint>({
    id: 'regions.failover',
  });

/**
 * Lets backend modules add fencers, asked before the built-in `patroni`, `sql`
 * and `command` ones: the first in-band fencer that supports a node fences it
 * while it answers; out-of-band fencers are tried in order when it does not.
 * @public
 */
export interface RegionsFencersExtensionPoint {
  addFencer(...fencers: Fencer[]): void;
}

/** @public */
export const regionsFencersExtensionPoint =
  createExtensionPoint<RegionsFencersExtensionPoint>({
    id: 'regions.fencers',
  });
