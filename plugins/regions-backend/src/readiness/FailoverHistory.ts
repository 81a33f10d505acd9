import { FailoverRun } from '@meridian/plugin-regions-common';

/**
 * The failover runs the backend has recorded, as the drill check needs them.
 * The failover store implements it; without one the drill check is `unknown`.
 */
export interface FailoverHistory {
  /**
   * Runs that involve the region, as the region failed over or as the target
   * promoted, created since `since`.
   */
  listRuns(regionRef: string, since: Date): Promise<FailoverRun[]>;
}
