import { stringifyEntityRef } from '@backstage/catalog-model';
import { RegionConflict } from '@meridian/plugin-regions-common';
import { RegionConflictRule } from '@meridian/plugin-regions-node';
import { RegionIndex } from './RegionIndex';

/**
 * Regions whose `spec.hub` chain leads back to themselves, including a region
 * that is its own hub. Each cycle is reported once, starting from its
 * alphabetically first member and following the hubs.
 */
export const hubCycleRule: RegionConflictRule = {
  id: 'hub-cycle',
  detect(regions) {
    const index = new RegionIndex(regions);
    // Each region has at most one hub, so following hubs from any region
    // either ends, reaches an unresolved ref, or enters exactly one cycle.
    const hubOf = new Map<string, string>();
    for (const region of regions) {
      const hub = region.spec.hub
        ? index.resolve(region.spec.hub, region)
        : undefined;
      if (hub?.region) {
        hubOf.set(stringifyEntityRef(region), hub.ref);
      }
    }

    const conflicts: RegionConflict[] = [];
    const done = new Set<string>();
    for (const start of [...hubOf.keys()].sort()) {
      const path: string[] = [];
      let current: string | undefined = start;
      while (current && !done.has(current) && !path.includes(current)) {
        path.push(current);
        current = hubOf.get(current);
      }
      if (current && path.includes(current)) {
        conflicts.push(cycleConflict(path.slice(path.indexOf(current))));
      }
      path.forEach(ref => done.add(ref));
    }
    return conflicts;
  },
};

function cycleConflict(cycle: string[]): RegionConflict {
  const first = cycle.indexOf([...cycle].sort()[0]);
  const members = [...cycle.slice(first), ...cycle.slice(0, first)];
  const message =
    members.length === 1
      ? `spec.hub ${members[0]} of ${members[0]} names the region itself: a region cannot be its own hub`
      : `spec.hub forms a cycle: ${[...members, members[0]].join(' → ')}`;
  return { type: 'hub-cycle', regions: members, field: 'spec.hub', message };
}
