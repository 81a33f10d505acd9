import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { RegionEntity, regionTier } from '../entity/RegionEntity';
import { parseRegionRef } from '../entity/refs';
import { TopologyEdge, TopologyRegion } from './types';

/**
 * The canonical ref a region field (`spec.hub`, `spec.links[].to`, ...) points
 * to, resolved as the catalog does: kind Region, the writer's namespace.
 * Undefined when absent, malformed or not a Region (the catalog rejects those).
 * @public
 */
export function resolveRegionRef(
  value: string | undefined,
  writer: Entity,
): string | undefined {
  if (!value) {
    return undefined;
  }
  try {
    const ref = parseRegionRef(value, {
      defaultNamespace: writer.metadata.namespace,
    });
    return ref.kind.toLocaleLowerCase('en-US') === 'region'
      ? stringifyEntityRef(ref)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A region as the topology graph and the Regions page show it, read from its
 * entity; `conflicts` is how many backend conflicts name it.
 * @public
 */
export function toTopologyRegion(
  entity: RegionEntity,
  conflicts: number = 0,
): TopologyRegion {
  const { spec } = entity;
  return {
    ref: stringifyEntityRef(entity),
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
    title: entity.metadata.title,
    type: spec.type,
    tier: regionTier(spec.type),
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
    status: conflicts > 0 ? 'conflict' : 'ok',
    conflicts,
  };
}

/**
 * The edges a region declares: to its hub, along each declared link, and to
 * its replication source. Targets are canonical refs that may name no known
 * region; callers drop those.
 * @public
 */
export function topologyEdgesOf(entity: RegionEntity): TopologyEdge[] {
  const from = stringifyEntityRef(entity);
  const edges: TopologyEdge[] = [];
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
  return edges;
}
