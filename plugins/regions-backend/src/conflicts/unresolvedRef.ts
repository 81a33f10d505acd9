import { stringifyEntityRef } from '@backstage/catalog-model';
import { RegionConflict } from '@meridian/plugin-regions-common';
import { RegionConflictRule } from '@meridian/plugin-regions-node';
import { RegionIndex } from './RegionIndex';

/**
 * Hub, replication source and link target refs that name no known region,
 * for example a region that was renamed, removed, or failed validation.
 */
export const unresolvedRefRule: RegionConflictRule = {
  id: 'unresolved-ref',
  detect(regions) {
    const index = new RegionIndex(regions);
    const conflicts: RegionConflict[] = [];
    for (const region of regions) {
      const regionRef = stringifyEntityRef(region);
      const check = (field: string, value: string | undefined) => {
        if (value === undefined) {
          return;
        }
        const { ref, region: target } = index.resolve(value, region);
        if (target) {
          return;
        }
        conflicts.push({
          type: 'unresolved-ref',
          regions: [regionRef],
          field,
          message: `${field} ${ref} of ${regionRef} does not resolve to a known region`,
        });
      };
      check('spec.hub', region.spec.hub);
      check('spec.replication.source', region.spec.replication?.source);
      region.spec.links?.forEach((link, i) =>
        check(`spec.links[${i}].to`, link.to),
      );
    }
    return conflicts;
  },
};
