import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  RegionConflict,
  RegionEntity,
  regionTier,
  TopologyEdge,
  TopologyRegion,
  TopologyResponse,
} from '@meridian/plugin-regions-common';
import { canonicalRegionRef, RegionIndex } from '../conflicts';

/** A region as the topology graph and the region page show it. */
export function toTopologyRegion(
  region: RegionEntity,
  conflicts: RegionConflict[],
): TopologyRegion {
  const ref = stringifyEntityRef(region);
  const { spec } = region;
  const refOf = (value: string | undefined) =>
    value === undefined ? undefined : canonicalRegionRef(value, region);
  const conflictCount = conflicts.filter(c => c.regions.includes(ref)).length;
  return {
    ref,
    namespace: region.metadata.namespace ?? 'default',
    name: region.metadata.name,
    title: region.metadata.title,
    type: spec.type,
    tier: regionTier(spec.type),
    lifecycle: spec.lifecycle,
    owner: spec.owner,
    provider: spec.provider,
    location: spec.location,
    cidr: spec.network?.cidr,
    hub: refOf(spec.hub),
    replication: spec.replication && {
      role: spec.replication.role,
      source: refOf(spec.replication.source),
    },
    status: conflictCount > 0 ? 'conflict' : 'ok',
    conflicts: conflictCount,
  };
}

/**
 * Builds the topology graph: every region, and the hub, link and replication
 * edges between known regions. Edges to refs that resolve to no region are
 * left out (so the graph never points at a missing node); the
 * `unresolved-ref` conflicts report them.
 */
export function buildTopology(snapshot: {
  regions: RegionEntity[];
  conflicts: RegionConflict[];
  syncedAt: Date | null;
}): TopologyResponse {
  const { regions, conflicts, syncedAt } = snapshot;
  const index = new RegionIndex(regions);
  const edges: TopologyEdge[] = [];
  for (const region of regions) {
    const from = stringifyEntityRef(region);
    const edgeTo = (value: string | undefined) => {
      const target =
        value === undefined ? undefined : index.resolve(value, region);
      return target?.region ? target.ref : undefined;
    };

    const hub = edgeTo(region.spec.hub);
    if (hub) {
      edges.push({ from, to: hub, kind: 'hub' });
    }
    for (const link of region.spec.links ?? []) {
      const to = edgeTo(link.to);
      if (to) {
        edges.push({
          from,
          to,
          kind: 'link',
          latencyTargetMs: link.latencyTargetMs,
          transport: link.transport,
        });
      }
    }
    const source = edgeTo(region.spec.replication?.source);
    if (source) {
      edges.push({ from, to: source, kind: 'replication' });
    }
  }

  return {
    regions: regions.map(region => toTopologyRegion(region, conflicts)),
    edges,
    conflicts,
    syncedAt: syncedAt?.toISOString() ?? null,
  };
}
