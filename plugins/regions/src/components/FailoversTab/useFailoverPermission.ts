import { useEntityPermission } from '@backstage/plugin-catalog-react/alpha';
import { regionsFailoverRunPermission } from '@meridian/plugin-regions-common';

/** Why a user may not start or resume a failover of a region. */
export const FAILOVER_NOT_ALLOWED = `You may not run failovers of this region (permission ${regionsFailoverRunPermission.name}: owners of the region may).`;

/**
 * Whether the user may start or resume failovers of the entity's region
 * (`regions.failover.run` on the Region in context), with the reason when not.
 * The backend checks the same permission on both the source and the target;
 * this only spares the user a request it would refuse, so a permission check
 * that is still loading or failed leaves the actions enabled and the backend
 * answers.
 */
export function useFailoverPermission(): {
  allowed: boolean;
  reason?: string;
} {
  const { loading, allowed, error } = useEntityPermission(
    regionsFailoverRunPermission,
  );
  if (loading || error || allowed) {
    return { allowed: true };
  }
  return { allowed: false, reason: FAILOVER_NOT_ALLOWED };
}
