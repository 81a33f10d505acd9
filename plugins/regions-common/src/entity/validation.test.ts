import { Entity } from '@backstage/catalog-model';
import { assertValidRegionEntity, validateRegionEntity } from './validation';

function region(spec: Record<string, unknown>, namespace?: string): Entity {
  return {
    apiVersion: 'meridian.dev/v1alpha1',
    kind: 'Region',
    metadata: { name: 'studio-sul', ...(namespace ? { namespace } : {}) },
    spec: spec as Entity['spec'],
  };
}

const fullSpec = {
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
};

describe('validateRegionEntity', () => {
  it('accepts a region with every field of the spec', () => {
    expect(validateRegionEntity(region(fullSpec))).toEqual([]);
    expect(() => assertValidRegionEntity(region(fullSpec))).not.toThrow();
  });

  it('accepts the three required fields alone', () => {
    expect(
      validateRegionEntity(
        region({ type: 'edge', lifecycle: 'planned', owner: 'sre' }),
      ),
    ).toEqual([]);
  });

  it('accepts IPv6 blocks and short refs', () => {
    expect(
      validateRegionEntity(
        region({
          ...fullSpec,
          hub: 'studio-primary',
          network: { cidr: '2001:db8::/32' },
        }),
      ),
    ).toEqual([]);
  });

  it.each([
    [
      { ...fullSpec, type: 'galaxy-hub' },
      'spec.type',
      'spec.type "galaxy-hub" must be one of global-hub, regional-hub, edge',
    ],
    [
      { ...fullSpec, lifecycle: 'live' },
      'spec.lifecycle',
      'spec.lifecycle "live" must be one of',
    ],
    [
      { type: 'edge', lifecycle: 'planned' },
      'spec.owner',
      'spec.owner is required',
    ],
    [
      { ...fullSpec, network: { cidr: '10.16.1.0/16' } },
      'spec.network.cidr',
      'spec.network.cidr "10.16.1.0/16" is not canonical: host bits are set below /16; did you mean 10.16.0.0/16?',
    ],
    [
      { ...fullSpec, network: { cidr: '10.16.0.0/33' } },
      'spec.network.cidr',
      '"10.16.0.0/33" is not a CIDR block',
    ],
    [
      { ...fullSpec, network: { cidr: 'banana' } },
      'spec.network.cidr',
      '"banana" is not a CIDR block',
    ],
    [
      { ...fullSpec, userLatencyTargetMs: -5 },
      'spec.userLatencyTargetMs',
      'spec.userLatencyTargetMs -5 must be ≥ 0',
    ],
    [
      { ...fullSpec, links: [{ to: 'studio-primary', latencyTargetMs: -1 }] },
      'spec.links[0].latencyTargetMs',
      'spec.links[0].latencyTargetMs -1 must be ≥ 0',
    ],
    [
      {
        ...fullSpec,
        replication: { ...fullSpec.replication, rpoSeconds: -60 },
      },
      'spec.replication.rpoSeconds',
      'spec.replication.rpoSeconds -60 must be ≥ 0',
    ],
    [
      { ...fullSpec, availabilityTarget: 120 },
      'spec.availabilityTarget',
      'spec.availabilityTarget 120 must be ≤ 100',
    ],
    [
      { ...fullSpec, replication: { role: 'warm-standby', mode: 'streaming' } },
      'spec.replication.source',
      'spec.replication.source is required when spec.replication.role is "warm-standby"',
    ],
    [
      { ...fullSpec, hub: 'component:default/api' },
      'spec.hub',
      'spec.hub "component:default/api" must refer to a Region, not a component',
    ],
    [
      {
        ...fullSpec,
        replication: { ...fullSpec.replication, source: 'group:sre' },
      },
      'spec.replication.source',
      'spec.replication.source "group:sre" must refer to a Region, not a group',
    ],
    [
      { ...fullSpec, links: [{ to: 'system:payments' }] },
      'spec.links[0].to',
      'spec.links[0].to "system:payments" must refer to a Region',
    ],
    [
      { ...fullSpec, location: { country: 'Brazil' } },
      'spec.location.country',
      'spec.location.country "Brazil" must be an ISO 3166-1 alpha-2 code like BR',
    ],
    [
      { ...fullSpec, location: { latitude: 123 } },
      'spec.location.latitude',
      'spec.location.latitude 123 must be ≤ 90',
    ],
    [
      { ...fullSpec, budget: { monthly: 10, currency: 'dollars' } },
      'spec.budget.currency',
      'must be an ISO 4217 code like USD',
    ],
    [
      {
        ...fullSpec,
        replication: { ...fullSpec.replication, mode: 'carrier-pigeon' },
      },
      'spec.replication.mode',
      'spec.replication.mode "carrier-pigeon" must be one of',
    ],
    [
      { ...fullSpec, colour: 'blue' },
      'spec.colour',
      'spec.colour "blue" is not a Region field',
    ],
  ])('rejects %j naming %s', (spec, field, message) => {
    const problems = validateRegionEntity(
      region(spec as Record<string, unknown>),
    );
    expect(problems.map(p => p.field)).toContain(field);
    expect(problems.find(p => p.field === field)!.message).toContain(message);
    expect(() =>
      assertValidRegionEntity(region(spec as Record<string, unknown>)),
    ).toThrow(/Invalid Region "studio-sul"/);
  });

  it('reports every problem at once, schema and semantic alike', () => {
    const problems = validateRegionEntity(
      region({
        type: 'moon',
        lifecycle: 'live',
        owner: 'sre',
        availabilityTarget: -1,
        network: { cidr: '10.16.1.0/16' },
        hub: 'group:sre',
        replication: { role: 'cold-standby' },
      }),
    );
    expect(problems.map(p => p.field).sort()).toEqual([
      'spec.availabilityTarget',
      'spec.hub',
      'spec.lifecycle',
      'spec.network.cidr',
      'spec.replication.source',
      'spec.type',
    ]);
  });

  it('survives a spec of the wrong shape', () => {
    const problems = validateRegionEntity(
      region({
        type: 'edge',
        lifecycle: 'planned',
        owner: 'sre',
        links: 'studio-sul',
        network: 7,
      }),
    );
    expect(problems.map(p => p.field).sort()).toEqual([
      'spec.links',
      'spec.network',
    ]);
  });
});
