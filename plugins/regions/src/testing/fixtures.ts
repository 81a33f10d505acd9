import { Entity } from '@backstage/catalog-model';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  RegionEntity,
  RegionSpec,
  RegionSummaryResponse,
  ReplicationResponse,
  ReplicationWindow,
  TopologyRegion,
  TopologyResponse,
} from '@meridian/plugin-regions-common';
import { studioSulSpec } from '@meridian/plugin-regions-common/testUtils';
import { RegionsApi } from '../api';
import { scaffolderTemplateRouteRef, techdocsReaderRouteRef } from '../routes';
import { topologyFromEntities } from '../lib/regions';
import { sulReadiness } from './readinessFixtures';
import {
  passingPreview,
  refusedFailover,
  succeededSwitchover,
} from './failoverFixtures';
import { costSummary, hubCost } from './costFixtures';
import { brazilAllocations, brazilPools } from './allocationFixtures';
import { degradedHealth, failingPlan } from './healthFixtures';

/** Mount entity pages where the catalog does, so links can be asserted. */
export const mountedRoutes = {
  '/catalog/:namespace/:kind/:name': entityRouteRef,
  // where the app binds the external routes
  '/docs/:namespace/:kind/:name': techdocsReaderRouteRef,
  '/create/templates/:namespace/:templateName': scaffolderTemplateRouteRef,
};

function region(
  name: string,
  spec: RegionSpec,
  extra: Partial<RegionEntity['metadata']> & {
    relations?: Entity['relations'];
  } = {},
): RegionEntity {
  const { relations, ...metadata } = extra;
  return {
    apiVersion: 'meridian.dev/v1alpha1',
    kind: 'Region',
    metadata: { name, namespace: 'default', ...metadata },
    spec,
    relations,
  };
}

export const studioPrimary = region(
  'studio-primary',
  {
    type: 'global-hub',
    lifecycle: 'production',
    owner: 'group:default/sre',
    provider: 'colo',
    location: { city: 'São Paulo', country: 'BR' },
    network: { cidr: '10.0.0.0/16', pool: 'brazil' },
    replication: { role: 'primary', mode: 'streaming' },
  },
  { title: 'Studio Primary' },
);

/** The spec's own example: every field declared. */
export const studioSul = region(
  'studio-sul',
  studioSulSpec,

  {
    title: 'Studio-Sul (Porto Alegre)',
    annotations: { 'backstage.io/techdocs-ref': 'dir:.' },
    relations: [
      { type: 'ownedBy', targetRef: 'group:default/sre' },
      { type: 'spokeOf', targetRef: 'region:default/studio-primary' },
      { type: 'replicaOf', targetRef: 'region:default/studio-primary' },
      { type: 'hubOf', targetRef: 'region:default/studio-pelotas' },
      { type: 'hosts', targetRef: 'component:default/checkout' },
      { type: 'hosts', targetRef: 'system:default/payments' },
      { type: 'hosts', targetRef: 'resource:default/sul-db' },
    ],
  },
);

export const studioPelotas = region(
  'studio-pelotas',
  {
    type: 'edge',
    lifecycle: 'provisioning',
    owner: 'group:default/edge-team',
    provider: 'railway',
    location: { city: 'Pelotas', country: 'BR' },
    hub: 'region:default/studio-sul',
    network: { cidr: '10.17.0.0/16' },
  },
  { title: 'Studio Pelotas' },
);

export const usEast = region(
  'us-east',
  {
    type: 'regional-hub',
    lifecycle: 'planned',
    owner: 'group:default/cloud',
    provider: 'aws',
    location: { city: 'Ashburn', country: 'US' },
    hub: 'region:default/studio-primary',
    network: { cidr: '10.16.128.0/17' },
    links: [{ to: 'studio-primary', latencyTargetMs: 120 }],
  },
  { title: 'US East' },
);

export const allRegions = [studioPrimary, studioSul, studioPelotas, usEast];

/** What the backend answers for the regions above: studio-sul and us-east overlap. */
export function backendTopology(
  regions: RegionEntity[] = allRegions,
): TopologyResponse {
  const conflict = {
    type: 'cidr-overlap',
    regions: ['region:default/studio-sul', 'region:default/us-east'],
    field: 'spec.network.cidr',
    message:
      'Network block 10.16.0.0/16 of region:default/studio-sul overlaps 10.16.128.0/17 of region:default/us-east',
  };
  const { regions: topologyRegions, edges } = topologyFromEntities(regions);
  return {
    regions: topologyRegions
      .map(r =>
        conflict.regions.includes(r.ref)
          ? { ...r, status: 'conflict' as const, conflicts: 1 }
          : r,
      )
      .map(r => withReplicationSample(r)),
    edges,
    conflicts: [conflict],
    syncedAt: '2026-09-20T12:00:00.000Z',
  };
}

/** When the replication fixtures below were sampled. */
export const replicationSampledAt = '2026-09-20T12:00:00.000Z';

/** The latest replication samples: the primary's are fine, studio-sul has no fresh one. */
function withReplicationSample(topologyRegion: TopologyRegion): TopologyRegion {
  const samples: Record<string, TopologyRegion['replication']> = {
    'region:default/studio-primary': {
      observedRole: 'primary',
      status: 'ok',
      lagSeconds: 2.1,
      lagBytes: 14 * 1024,
      sampledAt: replicationSampledAt,
    },
    'region:default/studio-sul': {
      observedRole: 'standby',
      upstreamRegion: 'region:default/studio-primary',
      status: 'unknown',
      lagSeconds: null,
      lagBytes: null,
      sampledAt: null,
    },
  };
  const sample = samples[topologyRegion.ref];
  return sample
    ? {
        ...topologyRegion,
        replication: { ...topologyRegion.replication, ...sample },
      }
    : topologyRegion;
}

/** A lag history of three points, the last one above the RPO. */
function lagHistory(): ReplicationResponse['history'] {
  return [
    { t: '2026-09-20T11:00:00.000Z', lagBytes: 2048, lagSeconds: 1 },
    {
      t: '2026-09-20T11:30:00.000Z',
      lagBytes: 3 * 1024 * 1024,
      lagSeconds: 35,
    },
    {
      t: '2026-09-20T12:00:00.000Z',
      lagBytes: 9 * 1024 * 1024,
      lagSeconds: 90,
    },
  ];
}

/** studio-primary with one replica in each status: ok, warning and breach. */
export function primaryReplication(
  window: ReplicationWindow = '24h',
): ReplicationResponse {
  return {
    region: 'region:default/studio-primary',
    role: 'primary',
    mode: 'streaming',
    rpoSeconds: 60,
    observed: true,
    observedRole: 'primary',
    status: 'breach',
    reason: 'Replica pelotas-1 is 1 min 30 s behind, above the RPO of 60 s.',
    source: 'postgres',
    database: 'studio-primary-db',
    sampledAt: replicationSampledAt,
    replicas: [
      {
        name: 'sul-1',
        state: 'streaming',
        syncState: 'sync',
        lagBytes: 14 * 1024,
        lagSeconds: 2.1,
        sampledAt: replicationSampledAt,
      },
      {
        name: 'us-east-1',
        state: 'catchup',
        syncState: 'async',
        lagBytes: 3 * 1024 * 1024,
        lagSeconds: 35,
        sampledAt: replicationSampledAt,
      },
      {
        name: 'pelotas-1',
        state: 'stopped',
        syncState: 'async',
        lagBytes: 9 * 1024 * 1024,
        lagSeconds: 90,
        sampledAt: replicationSampledAt,
      },
    ],
    subscriptions: [],
    window,
    history: lagHistory(),
  };
}

/** studio-sul as its own standby sees it: caught up while the primary is idle. */
export function standbyReplication(
  window: ReplicationWindow = '24h',
): ReplicationResponse {
  return {
    region: 'region:default/studio-sul',
    role: 'warm-standby',
    mode: 'streaming',
    rpoSeconds: 60,
    observed: true,
    observedRole: 'standby',
    status: 'ok',
    reason: 'Caught up: nothing received waits to be replayed.',
    source: 'postgres',
    database: 'studio-sul-db',
    sampledAt: replicationSampledAt,
    replicas: [],
    standby: {
      receiverStatus: 'streaming',
      receiveLsn: '0/3000148',
      replayLsn: '0/3000148',
      replayBacklogBytes: 0,
      lastReplayAgeSeconds: 600,
      caughtUp: true,
      upstream: '10.0.0.10:5432',
      upstreamRegion: 'region:default/studio-primary',
    },
    subscriptions: [],
    window,
    history: lagHistory(),
  };
}

/** A region no replication source observes (no `meridian.dev/database`). */
export function unobservedReplication(
  window: ReplicationWindow = '24h',
): ReplicationResponse {
  return {
    region: 'region:default/studio-pelotas',
    observed: false,
    observedRole: 'unknown',
    status: 'unknown',
    reason:
      'no replication source observes this region: the database "pelotas-db" named by meridian.dev/database is not configured under regions.databases',
    sampledAt: null,
    replicas: [],
    subscriptions: [],
    window,
    history: [],
  };
}

/** A RegionsApi answering from {@link backendTopology} and the replications above. */
export function fakeRegionsApi(
  overrides: Partial<RegionsApi> = {},
): RegionsApi {
  return {
    getTopology: async () => backendTopology(),
    getRegion: async ({
      namespace,
      name,
    }): Promise<RegionSummaryResponse | undefined> => {
      const topology = backendTopology();
      const ref = `region:${namespace}/${name}`;
      const found = topology.regions.find(r => r.ref === ref);
      return (
        found && {
          region: found,
          conflicts: topology.conflicts.filter(c => c.regions.includes(ref)),
          syncedAt: topology.syncedAt,
        }
      );
    },
    getEntityConflicts: async () => [],
    getReplication: async ({ name }, window) => {
      if (name === 'studio-primary') {
        return primaryReplication(window);
      }
      if (name === 'studio-sul') {
        return standbyReplication(window);
      }
      return unobservedReplication(window);
    },
    getReadiness: async ({ namespace, name }) => ({
      ...sulReadiness(),
      region: `region:${namespace}/${name}`,
    }),
    getHealth: async (_ref, window) => degradedHealth(window),
    getPlan: async () => failingPlan(),
    listFailovers: async ({ name }) => ({
      runs: ['studio-primary', 'studio-sul'].includes(name)
        ? [succeededSwitchover(), refusedFailover()]
        : [],
    }),
    listActiveFailovers: async () => ({ runs: [] }),
    getFailover: async id => {
      const run = [succeededSwitchover(), refusedFailover()].find(
        r => r.id === id,
      );
      if (!run) {
        throw new Error(`No failover run ${id}`);
      }
      return run;
    },
    startFailover: async () => ({ id: 'run-new', status: 'pending' }),
    previewFailover: async () => passingPreview(),
    resumeFailover: async id => ({ id, status: 'running' }),
    approveFailover: async id => ({ id, status: 'awaiting-approval' }),
    cancelFailover: async id => ({ id, status: 'cancelled' }),
    fixDrift: async () => {
      throw new Error('fixDrift is not faked: pass it to fakeRegionsApi');
    },
    getCost: async (_ref, window) => hubCost(window),
    getCostSummary: async () => costSummary(),
    getPools: async () => brazilPools(),
    getAllocations: async () => brazilAllocations(),
    ...overrides,
  };
}

export const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'meridian.dev/regions': 'studio-sul, us-east' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'payments-team' },
  relations: [
    { type: 'deployedIn', targetRef: 'region:default/studio-sul' },
    { type: 'deployedIn', targetRef: 'region:default/us-east' },
  ],
};
