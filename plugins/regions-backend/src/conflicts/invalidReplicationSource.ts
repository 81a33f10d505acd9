import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  RegionConflict,
  SOURCE_ROLES,
  STANDBY_ROLES,
} from '@meridian/plugin-regions-common';
import { RegionConflictRule } from '@meridian/plugin-regions-node';
import { RegionIndex } from './RegionIndex';

const isOneOf = (roles: readonly string[], role: string | undefined) =>
  role !== undefined && roles.includes(role);

/**
 * Standbys (warm or cold) whose replication source is a known region that is
 * not a primary or active one: a standby of a standby, or of a region that
 * declares no replication role, has nothing to fail over from.
 */
export const invalidReplicationSourceRule: RegionConflictRule = {
  id: 'invalid-replication-source',
  detect(regions) {
    const index = new RegionIndex(regions);
    const conflicts: RegionConflict[] = [];
    for (const region of regions) {
      const { role, source } = region.spec.replication ?? {};
      if (!source || !isOneOf(STANDBY_ROLES, role)) {
        continue;
      }
      const resolved = index.resolve(source, region);
      if (!resolved.region) {
        continue; // reported as unresolved-ref
      }
      const sourceRole = resolved.region.spec.replication?.role;
      if (isOneOf(SOURCE_ROLES, sourceRole)) {
        continue;
      }
      const regionRef = stringifyEntityRef(region);
      conflicts.push({
        type: 'invalid-replication-source',
        regions: [regionRef, resolved.ref],
        field: 'spec.replication.source',
        message: `spec.replication.source ${
          resolved.ref
        } of ${role} ${regionRef} is ${
          sourceRole ? `a ${sourceRole}` : 'a region with no replication role'
        }, not a primary or active region`,
      });
    }
    return conflicts;
  },
};
