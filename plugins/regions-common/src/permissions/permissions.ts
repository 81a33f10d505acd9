import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Starting a drill, switchover or failover of a region. Checked against both
 * the region whose primary is failed over and the target region. A service
 * principal, or an assistant through the `start-region-failover` action, may
 * start more than a drill only where the policy answers an unconditional ALLOW
 * (an owner-conditional decision is not enough for them).
 * @public
 */
export const regionsFailoverRunPermission = createPermission({
  name: 'regions.failover.run',
  attributes: { action: 'create' },
  resourceType: 'catalog-entity',
});

/**
 * Creating regions through the regions backend: allocating a network block
 * from a pool (`POST /allocations`) and landing a Region entity for the
 * catalog (`POST /landings`).
 * @public
 */
export const regionsRegionCreatePermission = createPermission({
  name: 'regions.region.create',
  attributes: { action: 'create' },
});

/** Every permission of the regions plugin. @public */
export const regionsPermissions = [
  regionsFailoverRunPermission,
  regionsRegionCreatePermission,
];
