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

    // CIDR blocks are nested or disjoint: swept in address order, a block can
    // only overlap the blocks still open around it (at most one per prefix
    // length), so 10,000 regions cost a sort, not fifty million comparisons.
    const order = blocks
      .map((block, index) => ({ ...block, index }))
      .sort(
        (a, b) =>
          a.cidr.family.localeCompare(b.cidr.family) ||
          compareAddresses(a.cidr.first, b.cidr.first),
      );
    const pairs: [number, number][] = [];
    let open: typeof order = [];
    for (const block of order) {
      open = open.filter(other => cidrsOverlap(other.cidr, block.cidr));
      for (const other of open) {
        pairs.push(
          other.index < block.index
            ? [other.index, block.index]
            : [block.index, other.index],
        );
      }
      open.push(block);
    }
    // in the order of the catalog, as a pairwise scan would list them
    pairs.sort(([a1, b1], [a2, b2]) => a1 - a2 || b1 - b2);
    const conflicts: RegionConflict[] = pairs.map(([i, j]) => {
      const [a, b] = [blocks[i], blocks[j]];
      return {
        type: 'cidr-overlap',
        regions: [a.ref, b.ref],
        field: 'spec.network.cidr',
        message: `spec.network.cidr ${a.cidr.cidr} of ${a.ref} overlaps ${b.cidr.cidr} of ${b.ref}`,
      };
    });
    return conflicts;
  },
};

function compareAddresses(a: bigint, b: bigint): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}
