import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  cidrsOverlap,
  ParsedCidr,
  parseCidr,
  RegionConflict,
} from '@meridian/plugin-regions-common';
import { RegionConflictRule } from '@meridian/plugin-regions-node';

/** Two regions whose `spec.network.cidr` blocks share addresses. */
export const cidrOverlapRule: RegionConflictRule = {
  id: 'cidr-overlap',
  detect(regions) {
    const blocks: { ref: string; cidr: ParsedCidr }[] = [];
    for (const region of regions) {
      const cidr = region.spec.network?.cidr;
      if (!cidr) {
        continue;
      }
      try {
        blocks.push({ ref: stringifyEntityRef(region), cidr: parseCidr(cidr) });
      } catch {
        // A malformed block is a validation error of its own entity, not a conflict.
      }
    }

    const conflicts: RegionConflict[] = [];
    blocks.forEach((a, i) => {
      for (const b of blocks.slice(i + 1)) {
        if (cidrsOverlap(a.cidr, b.cidr)) {
          conflicts.push({
            type: 'cidr-overlap',
            regions: [a.ref, b.ref],
            field: 'spec.network.cidr',
            message: `spec.network.cidr ${a.cidr.cidr} of ${a.ref} overlaps ${b.cidr.cidr} of ${b.ref}`,
          });
        }
      }
    });
    return conflicts;
  },
};
