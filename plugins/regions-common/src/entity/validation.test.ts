import { Entity } from '@backstage/catalog-model';
import { studioSulSpec } from '../testUtils';
import { assertValidRegionEntity, validateRegionEntity } from './validation';

function region(spec: Record<string, unknown>, namespace?: string): Entity {
  return {
    apiVersion: 'meridian.dev/v1alpha1',
    kind: 'Region',
    metadata: { name: 'studio-sul', ...(namespace ? { namespace } : {}) },
    spec: spec as Entity['spec'],
  };
}

describe('validateRegionEntity', () => {
  it('accepts a region with every field of the spec', () => {
    expect(validateRegionEntity(region(studioSulSpec))).toEqual([]);
    expect(() => assertValidRegionEntity(region(studioSulSpec))).not.toThrow();
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
          ...studioSulSpec,
          hub: 'studio-primary',
          network: { cidr: '2001:db8::/32' },
        }),
      ),
    ).toEqual([]);
  });

  it.each([
    [
      { ...studioSulSpec, type: 'galaxy-hub' },
      'spec.type',
      'spec.type "galaxy-hub" must be one of global-hub, regional-hub, edge',
    ],
    [
      { ...studioSulSpec, lifecycle: 'live' },
      'spec.lifecycle',
      'spec.lifecycle "live" must be one of',
    ],
    [
      { type: 'edge', lifecycle: 'planned' },
      'spec.owner',
      'spec.owner is required',
    ],
    [
      { ...studioSulSpec, network: { cidr: '10.16.1.0/16' } },
      'spec.network.cidr',
      'spec.network.cidr "10.16.1.0/16" is not canonical: host bits are set below /16; did you mean 10.16.0.0/16?',
    ],
    [
      { ...studioSulSpec, network: { cidr: '10.16.0.0/33' } },
      'spec.network.cidr',
      '"10.16.0.0/33" is not a CIDR block',
    ],
    [
      { ...studioSulSpec, network: { cidr: 'banana' } },
      'spec.network.cidr',
      '"banana" is not a CIDR block',
    ],
    [
      { ...studioSulSpec, userLatencyTargetMs: -5 },
      'spec.userLatencyTargetMs',
      'spec.userLatencyTargetMs -5 must be ≥ 0',
    ],
    [
      {
        ...studioSulSpec,
        links: [{ to: 'studio-primary', latencyTargetMs: -1 }],
      },
      'spec.links[0].latencyTargetMs',
      'spec.links[0].latencyTargetMs -1 must be ≥ 0',
    ],
    [
      {
        ...studioSulSpec,
        replication: { ...studioSulSpec.replication, rpoSeconds: -60 },
      },
      'spec.replication.rpoSeconds',
      'spec.replication.rpoSeconds -60 must be ≥ 0',
    ],
    [
      { ...studioSulSpec, availabilityTarget: 120 },
      'spec.availabilityTarget',
      'spec.availabilityTarget 120 must be ≤ 100',
    ],
    [
      {
        ...studioSulSpec,
        replication: { role: 'warm-standby', mode: 'streaming' },
      },
      'spec.replication.source',
      'spec.replication.source is required when spec.replication.role is "warm-standby"',
    ],
    [
      { ...studioSulSpec, hub: 'component:default/api' },
      'spec.hub',
      'spec.hub "component:default/api" must refer to a Region, not a component',
    ],
    [
      {
        ...studioSulSpec,
        replication: { ...studioSulSpec.replication, source: 'group:sre' },
      },
      'spec.replication.source',
      'spec.replication.source "group:sre" must refer to a Region, not a group',
    ],
    [
      { ...studioSulSpec, links: [{ to: 'system:payments' }] },
      'spec.links[0].to',
      'spec.links[0].to "system:payments" must refer to a Region',
    ],
    [
      { ...studioSulSpec, location: { country: 'Brazil' } },
      'spec.location.country',
      'spec.location.country "Brazil" must be an ISO 3166-1 alpha-2 code like BR',
    ],
    [
      { ...studioSulSpec, location: { latitude: 123 } },
      'spec.location.latitude',
      'spec.location.latitude 123 must be ≤ 90',
    ],
    [
      { ...studioSulSpec, budget: { monthly: 10, currency: 'dollars' } },
      'spec.budget.currency',
      'must be an ISO 4217 code like USD',
    ],
    [
      {
        ...studioSulSpec,
        replication: { ...studioSulSpec.replication, mode: 'carrier-pigeon' },
      },
      'spec.replication.mode',
      'spec.replication.mode "carrier-pigeon" must be one of',
    ],
    [
      { ...studioSulSpec, colour: 'blue' },
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
