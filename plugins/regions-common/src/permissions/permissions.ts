import { createPermission } from '@backstage/plugin-permission-common';

/** Starting a drill, switchover or failover of a region. @public */
export const regionsFailoverRunPermission = createPermission({
  name: 'regions.failover.run',
  attributes: { action: 'create' },
  resourceType: 'catalog-entity',
});

/** Every permission of the regions plugin. @public */
export const regionsPermissions = [regionsFailoverRunPermission];
