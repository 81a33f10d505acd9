import {
  ReplicationResponse,
  RoleDrift,
  TopologyResponse,
} from '@meridian/plugin-regions-common';
import {
  backendTopology,
  primaryReplication,
  replicationSampledAt,
  standbyReplication,
} from './fixtures';

/**
 * After `run-switchover-1` (studio-primary → studio-sul): the nodes swapped
 * roles, the entities still say what they said before.
 */
export const switchedOverAt = '2026-09-19T09:30:01.850Z';

/** What studio-sul's spec.replication should read now that it is the primary. */
export const sulFixYaml = 'role: primary\nmode: streaming\nrpoSeconds: 60\n';

/** studio-sul declared warm-standby, primary since the switchover. */
export function sulDrift(landed: boolean): RoleDrift {
  return {
    declared: 'warm-standby',
    observed: 'primary',
    message: `declared warm-standby, primary since run run-switchover-1 (switchover) on ${switchedOverAt}`,
    since: {
      runId: 'run-switchover-1',
      mode: 'switchover',
      at: switchedOverAt,
    },
    fix: { landed, yaml: sulFixYaml },
  };
}

/** studio-sul as its node answers after the switchover: a primary, studio-primary streaming from it. */
export function promotedSulReplication(landed = false): ReplicationResponse {
  return {
    ...primaryReplication(),
    region: 'region:default/studio-sul',
    role: 'warm-standby',
    observedRole: 'primary',
    drift: sulDrift(landed),
    status: 'ok',
    reason:
      'Replica studio-primary-1 is 1 s behind, under half the RPO of 60 s.',
    database: 'studio-sul-db',
    replicas: [
      {
        name: 'studio-primary-1',
        state: 'streaming',
        syncState: 'async',
        lagBytes: 2048,
        lagSeconds: 1,
        sampledAt: replicationSampledAt,
      },
    ],
  };
}

/** studio-primary declared primary, re-attached after the switchover as a standby of studio-sul. */
export function reattachedPrimaryReplication(): ReplicationResponse {
  const standby = standbyReplication();
  return {
    ...standby,
    region: 'region:default/studio-primary',
    role: 'primary',
    observedRole: 'standby',
    database: 'studio-primary-db',
    drift: {
      declared: 'primary',
      observed: 'standby',
      message: `declared primary, standby of region:default/studio-sul since run run-switchover-1 (switchover) on ${switchedOverAt}`,
      since: {
        runId: 'run-switchover-1',
        mode: 'switchover',
        at: switchedOverAt,
      },
      fix: {
        landed: false,
        yaml: 'role: warm-standby\nmode: streaming\nsource: region:default/studio-sul\n',
      },
    },
    standby: {
      ...standby.standby!,
      upstream: '10.16.0.10:5432',
      upstreamRegion: 'region:default/studio-sul',
    },
  };
}

/**
 * The topology after the switchover, as the backend observes it: studio-sul
 * primary (declared warm-standby), studio-primary fenced and, once
 * `reattached`, a standby streaming from studio-sul.
 */
export function switchedOverTopology(reattached: boolean): TopologyResponse {
  const topology = backendTopology();
  return {
    ...topology,
    regions: topology.regions.map(region => {
      if (region.name === 'studio-sul') {
        return {
          ...region,
          replication: {
            ...region.replication,
            observedRole: 'primary' as const,
            upstreamRegion: undefined,
            drift: sulDrift(false).message,
          },
        };
      }
      if (region.name === 'studio-primary') {
        return {
          ...region,
          replication: {
            ...region.replication,
            observedRole: reattached
              ? ('standby' as const)
              : ('fenced' as const),
            upstreamRegion: reattached
              ? 'region:default/studio-sul'
              : undefined,
            status: reattached ? ('ok' as const) : ('unknown' as const),
            lagSeconds: reattached ? 1 : null,
            lagBytes: reattached ? 2048 : null,
            drift: reattached
              ? reattachedPrimaryReplication().drift!.message
              : `declared primary, fenced since run run-switchover-1 (switchover) on ${switchedOverAt}`,
          },
        };
      }
      return region;
    }),
  };
}
