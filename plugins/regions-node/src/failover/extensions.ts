import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Promoter, TrafficSwitchFactory } from './types';

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
