import { Entity } from '@backstage/catalog-model';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  RegionEntity,
  RegionSpec,
  RegionSummaryResponse,
  TopologyResponse,
} from '@meridian/plugin-regions-common';
import { RegionsApi } from '../api';
import { topologyFromEntities } from '../lib/regions';

/** Mount entity pages where the catalog does, so links can be asserted. */
export const mountedRoutes = {
  '/catalog/:namespace/:kind/:name': entityRouteRef,
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
  {
    type: 'regional-hub',
    lifecycle: 'production',
    owner: 'group:default/sre',
    provider: 'colo',
    location: {
      city: 'Porto Alegre',
      country: 'BR',
      latitude: -30.03,
      longitude: -51.23,
    },
    hub: 'region:default/studio-primary',
    network: { cidr: '10.16.0.0/16', pool: 'brazil' },
    links: [
      {
        to: 'region:default/studio-primary',
        latencyTargetMs: 35,
        transport: 'wireguard',
      },
    ],
    userLatencyTargetMs: 20,
    residency: ['LGPD'],
    availabilityTarget: 99.9,
    replication: {
      role: 'warm-standby',
      mode: 'streaming',
      source: 'region:default/studio-primary',
      rpoSeconds: 60,
      rtoSeconds: 300,
    },
    budget: { monthly: 6000, currency: 'USD' },
    capabilities: ['ai-inference', 'observability-hub'],
  },
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
    regions: topologyRegions.map(r =>
      conflict.regions.includes(r.ref)
        ? { ...r, status: 'conflict' as const, conflicts: 1 }
        : r,
    ),
    edges,
    conflicts: [conflict],
    syncedAt: '2026-09-20T12:00:00.000Z',
  };
}

/** A RegionsApi answering from {@link backendTopology}. */
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
