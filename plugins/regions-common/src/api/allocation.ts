/**
 * Network block allocation, as the regions backend's `/pools` and
 * `/allocations` routes answer it.
 */

/** A block allocated to a region from a pool. @public */
export interface CidrAllocation {
  /** Canonical ref of the region holding the block. */
  region: string;
  pool: string;
  /** The block, canonical, e.g. `10.17.0.0/16`. */
  cidr: string;
  /** ISO time of the allocation. */
  allocatedAt: string;
}

/** A CIDR pool of `regions.pools` with its use. @public */
export interface CidrPoolSummary {
  name: string;
  cidr: string;
  /** Prefix length of every block allocated from the pool. */
  prefixLength: number;
  /** How many blocks of that size the pool holds. */
  capacity: number;
  /** How many of them Region entities or allocations hold. */
  used: number;
  /** The block the next allocation would get; null when exhausted. */
  nextFree: string | null;
}

/** Answer of `GET /api/regions/pools`. @public */
export interface CidrPoolsResponse {
  pools: CidrPoolSummary[];
}

/** Answer of `GET /api/regions/allocations`. @public */
export interface CidrAllocationsResponse {
  allocations: CidrAllocation[];
}

/** Body of `POST /api/regions/allocations`. @public */
export interface CidrAllocationRequest {
  pool: string;
  /** The region's entity ref, e.g. `region:default/studio-s2`. */
  region: string;
}

/**
 * Answer of `POST /api/regions/allocations`: the region's block; `created`
 * is false when the region already held it. @public
 */
export interface CidrAllocationResponse extends CidrAllocation {
  created: boolean;
}
