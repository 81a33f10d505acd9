import { CostBreakdown, RegionEntity } from '@meridian/plugin-regions-common';

/**
 * One cluster's cost on one UTC day, with the usage and requests that give
 * its efficiency. Sources report minutes-weighted sums so that days and
 * clusters add up: efficiency is usage over requests of the sums.
 * @public
 */
export interface ClusterCostDay {
  /** The UTC day, `YYYY-MM-DD`. */
  date: string;
  cluster: string;
  /** Adds up to `total`. */
  breakdown: CostBreakdown;
  total: number;
  /** CPU cores used times minutes. */
  cpuCoreUsageMinutes: number;
  /** CPU cores requested times minutes. */
  cpuCoreRequestMinutes: number;
  /** RAM bytes used times minutes. */
  ramByteUsageMinutes: number;
  /** RAM bytes requested times minutes. */
  ramByteRequestMinutes: number;
}

/** What a cost source read of one region over a span of days. @public */
export interface CostObservation {
  /** The clusters that make up the region. */
  clusters: string[];
  /** One entry per cluster and day the source has data for. */
  days: ClusterCostDay[];
  /** True when some idle cost had to be shared out among clusters of several regions. */
  idleEstimated: boolean;
}

/**
 * Reads the daily costs of regions, e.g. from OpenCost. The cost collector
 * asks the first source that `observes` a region.
 * @public
 */
export interface CostSource {
  /** Stable id, shown to users as where costs came from: `opencost`, ... */
  readonly id: string;
  /** True when this source knows how to read the region's costs. */
  observes(region: RegionEntity): boolean;
  /**
   * Reads the region's cost for each UTC day from `from` (a UTC midnight)
   * up to, not including, `to` (a UTC midnight; today's partial day is
   * included when `to` is tomorrow). Throws an Error whose message a user may
   * read (never a secret) when the source is down or answers garbage.
   */
  read(
    region: RegionEntity,
    options: { from: Date; to: Date; signal: AbortSignal },
  ): Promise<CostObservation>;
}
