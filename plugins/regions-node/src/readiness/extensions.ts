import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { ReadinessCheck } from './types';

/**
 * Lets backend modules add readiness checks to the regions plugin's
 * scorecard, next to the built-in ones.
 * @public
 */
export interface RegionsReadinessChecksExtensionPoint {
  /** Throws when a check's id is already taken. */
  addReadinessCheck(...checks: ReadinessCheck[]): void;
}

/** @public */
export const regionsReadinessChecksExtensionPoint =
  createExtensionPoint<RegionsReadinessChecksExtensionPoint>({
    id: 'regions.readiness-checks',
  });
