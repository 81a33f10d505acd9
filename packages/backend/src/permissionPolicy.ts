/*
 * The portal's permission policy: everything is allowed, except
 * - running a failover, which only the owners of the region may do (the
 *   regions backend asks it for the region and for the target: owning both
 *   is needed), and which is never granted unconditionally here, so services
 *   and assistants (MCP) may start only drills;
 * - creating regions (allocating a block, landing a Region), which signed-in
 *   users may do, and services only on a user's behalf.
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  regionsFailoverRunPermission,
  regionsRegionCreatePermission,
} from '@meridian/plugin-regions-common';

export class MeridianPermissionPolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (isPermission(request.permission, regionsFailoverRunPermission)) {
      // Resolved by the catalog against the region entity: its spec.owner must
      // be the user or one of the groups the user belongs to.
      return createCatalogConditionalDecision(
        regionsFailoverRunPermission,
        catalogConditions.isEntityOwner({
          claims: user?.info.ownershipEntityRefs ?? [],
        }),
      );
    }
    if (isPermission(request.permission, regionsRegionCreatePermission)) {
      return { result: user ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'meridian-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new MeridianPermissionPolicy());
      },
    });
  },
});
