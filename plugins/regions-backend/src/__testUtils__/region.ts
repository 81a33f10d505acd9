import { RegionEntity, RegionSpec } from '@meridian/plugin-regions-common';
import { regionEntity as region } from '@meridian/plugin-regions-common/testUtils';

/** A valid Region entity; `spec` overrides the edge/production defaults. */
export { region };

export const US_EAST = 'region:default/us-east';
export const US_WEST = 'region:default/us-west';

/**
 * The pair most tests fail over: us-east, a streaming primary on the node
 * configured as `us-east-db`, and us-west, its warm standby on `us-west-db`.
 */
export function usEastWestPair(
  options: {
    type?: RegionSpec['type'];
    owner?: string;
    eastAnnotations?: Record<string, string>;
    /** More of the standby's replication spec: RPO, RTO. */
    westReplication?: Partial<NonNullable<RegionSpec['replication']>>;
  } = {},
): [RegionEntity, RegionEntity] {
  const common = {
    ...(options.type ? { type: options.type } : {}),
    ...(options.owner ? { owner: options.owner } : {}),
  };
  return [
    region(
      'us-east',
      { ...common, replication: { role: 'primary', mode: 'streaming' } },
      {
        annotations: {
          'meridian.dev/database': 'us-east-db',
          ...options.eastAnnotations,
        },
      },
    ),
    region(
      'us-west',
      {
        ...common,
        replication: {
          role: 'warm-standby',
          mode: 'streaming',
          source: US_EAST,
          ...options.westReplication,
        },
      },
      { annotations: { 'meridian.dev/database': 'us-west-db' } },
    ),
  ];
}
