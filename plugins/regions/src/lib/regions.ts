import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  RegionEntity,
  TopologyEdge,
  TopologyRegion,
  toTopologyRegion,
  topologyEdgesOf,
} from '@meridian/plugin-regions-common';

function edgeKey(edge: TopologyEdge) {
  return `${edge.kind}|${edge.from}|${edge.to}`;
}

/**
 * The topology as the catalog declares it. Conflict counts, health, measured
 * latencies and what the nodes say (observed role, real upstream, drift,
 * latest sample) come from the backend's view when given: only the backend
 * finds or observes them.
 */
export function topologyFromEntities(
  entities: RegionEntity[],
  status?: TopologyRegion[],
  measuredEdges?: TopologyEdge[],
): {
  regions: TopologyRegion[];
  edges: TopologyEdge[];
} {
  const known = new Map(status?.map(region => [region.ref, region]));
  const latencies = new Map(
    measuredEdges
      ?.filter(edge => edge.latency)
      .map(edge => [edgeKey(edge), edge.latency]),
  );
  return {
    regions: entities.map(entity => {
      const backend = known.get(stringifyEntityRef(entity));
      const region = {
        ...toTopologyRegion(entity, backend?.conflicts),
        health: backend?.health,
        userLatency: backend?.userLatency,
        readiness: backend?.readiness,
      };
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
    edges: entities.flatMap(topologyEdgesOf).map(edge => {
      const latency = latencies.get(edgeKey(edge));
      return latency ? { ...edge, latency } : edge;
    }),
  };
}

/**
 * The catalog fields that identify a Region entity and name it: what every
 * view asks for before the parts of its spec it shows.
 */
export const REGION_IDENTITY_FIELDS = [
  'apiVersion',
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
];
