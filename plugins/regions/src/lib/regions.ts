import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  RegionEntity,
  TopologyEdge,
  TopologyRegion,
  toTopologyRegion,
  topologyEdgesOf,
} from '@meridian/plugin-regions-common';

/**
 * The topology as the catalog declares it. Conflict counts come from the
 * backend's view when given: only the backend finds conflicts.
 */
export function topologyFromEntities(
  entities: RegionEntity[],
  status?: TopologyRegion[],
): {
  regions: TopologyRegion[];
  edges: TopologyEdge[];
} {
  const conflictsByRef = new Map(
    status?.map(region => [region.ref, region.conflicts]),
  );
  return {
    regions: entities.map(entity =>
      toTopologyRegion(entity, conflictsByRef.get(stringifyEntityRef(entity))),
    ),
    edges: entities.flatMap(topologyEdgesOf),
  };
}
