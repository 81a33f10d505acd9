import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  RegionEntity,
  TopologyEdge,
  TopologyRegion,
  toTopologyRegion,
  topologyEdgesOf,
} from '@meridian/plugin-regions-common';

/**
 * The topology as the catalog declares it. Conflict counts and what the
 * nodes say (observed role, real upstream, drift, latest sample) come from
 * the backend's view when given: only the backend finds or observes them.
 */
export function topologyFromEntities(
  entities: RegionEntity[],
  status?: TopologyRegion[],
): {
  regions: TopologyRegion[];
  edges: TopologyEdge[];
} {
  const known = new Map(status?.map(region => [region.ref, region]));
  return {
    regions: entities.map(entity => {
      const backend = known.get(stringifyEntityRef(entity));
      const region = toTopologyRegion(entity, backend?.conflicts);
      if (!backend?.replication) {
        return region;
      }
      // the catalog still decides what is declared
      return {
        ...region,
        replication: {
          ...backend.replication,
          role: region.replication?.role,
          source: region.replication?.source,
        },
      };
    }),
    edges: entities.flatMap(topologyEdgesOf),
  };
}
