import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  RegionEntity,
  TopologyEdge,
  TopologyRegion,
  normalizeRegionRef,
  regionTier,
} from '@meridian/plugin-regions-common';

/** The canonical ref a region field points to, or undefined when it is malformed. */
export function resolveRegionRef(
  ref: string | undefined,
  entity: RegionEntity,
): string | undefined {
  if (!ref) {
    return undefined;
  }
  try {
    return normalizeRegionRef(ref, {
      defaultNamespace: entity.metadata.namespace,
    });
  } catch {
    // The catalog module rejects malformed refs; nothing to point at here.
    return undefined;
  }
}

/** The tier of a region; an unknown type (rejected by the catalog) counts as an edge. */
export function tierOf(entity: RegionEntity): 1 | 2 | 3 {
  return (regionTier(entity.spec.type) as 1 | 2 | 3 | undefined) ?? 3;
}

/** A region as the topology graph draws it, read from its entity alone. */
function toTopologyRegion(entity: RegionEntity): TopologyRegion {
  const spec = entity.spec;
  return {
    ref: stringifyEntityRef(entity),
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
    title: entity.metadata.title,
    type: spec.type,
    tier: tierOf(entity),
    lifecycle: spec.lifecycle,
    owner: spec.owner,
    provider: spec.provider,
    location: spec.location,
    cidr: spec.network?.cidr,
    hub: resolveRegionRef(spec.hub, entity),
    replication: spec.replication && {
      role: spec.replication.role,
      source: resolveRegionRef(spec.replication.source, entity),
    },
    status: 'ok',
    conflicts: 0,
  };
}

/**
 * The topology as the catalog declares it. Status and conflicts come from the
 * backend's view when given: only the backend finds conflicts.
 */
export function topologyFromEntities(
  entities: RegionEntity[],
  status?: TopologyRegion[],
): {
  regions: TopologyRegion[];
  edges: TopologyEdge[];
} {
  const known = new Map(status?.map(region => [region.ref, region]));
  const edges: TopologyEdge[] = [];
  for (const entity of entities) {
    const from = stringifyEntityRef(entity);
    const hub = resolveRegionRef(entity.spec.hub, entity);
    if (hub) {
      edges.push({ from, to: hub, kind: 'hub' });
    }
    for (const link of entity.spec.links ?? []) {
      const to = resolveRegionRef(link.to, entity);
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
    const source = resolveRegionRef(entity.spec.replication?.source, entity);
    if (source) {
      edges.push({ from, to: source, kind: 'replication' });
    }
  }
  const regions = entities.map(entity => {
    const region = toTopologyRegion(entity);
    const seen = known.get(region.ref);
    return seen
      ? { ...region, status: seen.status, conflicts: seen.conflicts }
      : region;
  });
  return { regions, edges };
}
