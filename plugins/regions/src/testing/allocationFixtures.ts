import {
  CidrAllocationsResponse,
  CidrPoolsResponse,
} from '@meridian/plugin-regions-common';

/** `GET /pools`: brazil with room left, an exhausted lab pool. */
export function brazilPools(): CidrPoolsResponse {
  return {
    pools: [
      {
        name: 'brazil',
        cidr: '10.16.0.0/12',
        prefixLength: 16,
        capacity: 16,
        used: 3,
        nextFree: '10.19.0.0/16',
      },
      {
        name: 'lab',
        cidr: '192.168.0.0/23',
        prefixLength: 24,
        capacity: 2,
        used: 2,
        nextFree: null,
      },
    ],
  };
}

/** `GET /allocations`: two blocks given to provisioned regions, oldest first. */
export function brazilAllocations(): CidrAllocationsResponse {
  return {
    allocations: [
      {
        region: 'region:default/studio-pelotas',
        pool: 'brazil',
        cidr: '10.17.0.0/16',
        allocatedAt: '2026-09-18T09:30:00.000Z',
      },
      {
        region: 'region:default/studio-s2',
        pool: 'brazil',
        cidr: '10.18.0.0/16',
        allocatedAt: '2026-09-20T14:05:00.000Z',
      },
    ],
  };
}
