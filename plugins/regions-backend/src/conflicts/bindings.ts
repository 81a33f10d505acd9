import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_REGION_DATABASE,
  ANNOTATION_REGION_TRAFFIC,
} from '@meridian/plugin-regions-common';
import {
  DatabaseNode,
  RegionConflictRule,
} from '@meridian/plugin-regions-node';
import { bindDatabase } from '../bindings/databaseNodes';
import { TrafficSwitchRegistry } from '../failover/TrafficSwitchRegistry';

/**
 * Regions whose `meridian.dev/database` names a configured node that config
 * does not bind to them: no collector observes it and every failover
 * pre-flight refuses it, so an entity cannot point Meridian at another team's
 * database. (A node this portal does not configure at all is no conflict: the
 * Replication tab says it is not observed.)
 */
export function databaseBindingRule(
  nodes: Map<string, DatabaseNode>,
): RegionConflictRule {
  return {
    id: 'database-binding',
    detect(regions) {
      return regions.flatMap(region => {
        const named = region.metadata.annotations?.[ANNOTATION_REGION_DATABASE];
        if (!named || !nodes.has(named)) {
          return [];
        }
        const { problem } = bindDatabase(region, nodes);
        return problem
          ? [
              {
                type: 'database-binding',
                regions: [stringifyEntityRef(region)],
                field: `metadata.annotations.${ANNOTATION_REGION_DATABASE}`,
                message: problem,
              },
            ]
          : [];
      });
    },
  };
}

/** Regions whose `meridian.dev/traffic` names a configured switch that config does not bind to them. */
export function trafficBindingRule(
  traffic: TrafficSwitchRegistry,
): RegionConflictRule {
  return {
    id: 'traffic-binding',
    detect(regions) {
      return regions.flatMap(region =>
        traffic.problemsOf(region).map(message => ({
          type: 'traffic-binding',
          regions: [stringifyEntityRef(region)],
          field: `metadata.annotations.${ANNOTATION_REGION_TRAFFIC}`,
          message,
        })),
      );
    },
  };
}
