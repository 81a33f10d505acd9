import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { CostSource } from './types';

/**
 * Lets backend modules add cost sources to the regions plugin, ahead of the
 * built-in `opencost` source.
 * @public
 */
export interface RegionsCostSourcesExtensionPoint {
  addCostSource(...sources: CostSource[]): void;
}

/** @public */
export const regionsCostSourcesExtensionPoint =
  createExtensionPoint<RegionsCostSourcesExtensionPoint>({
    id: 'regions.cost-sources',
  });
