import { buildRegionEntity } from './buildRegionEntity';
import { validateRegionEntity } from './validation';

describe('buildRegionEntity', () => {
  it('builds a Region with lifecycle provisioning and every field given', () => {
    const entity = buildRegionEntity({
      name: 'studio-s2',
      title: 'Studio-S2 (Florianópolis)',
      type: 'edge',
      owner: 'group:default/sre',
      provider: 'colo',
      location: { city: 'Florianópolis', country: 'BR' },
      hub: 'region:default/studio-sul',
      network: { cidr: '10.20.0.0/16', pool: 'brazil' },
      links: [{ to: 'region:default/studio-sul', latencyTargetMs: 15 }],
      residency: ['LGPD'],
    });
    expect(entity).toEqual({
      apiVersion: 'meridian.dev/v1alpha1',
      kind: 'Region',
      metadata: { name: 'studio-s2', title: 'Studio-S2 (Florianópolis)' },
      spec: {
        type: 'edge',
        lifecycle: 'provisioning',
        owner: 'group:default/sre',
        provider: 'colo',
        location: { city: 'Florianópolis', country: 'BR' },
        hub: 'region:default/studio-sul',
        network: { cidr: '10.20.0.0/16', pool: 'brazil' },
        links: [{ to: 'region:default/studio-sul', latencyTargetMs: 15 }],
        residency: ['LGPD'],
      },
    });
    expect(validateRegionEntity(entity)).toEqual([]);
  });

  it('leaves out what a form sends for fields left blank', () => {
    const entity = buildRegionEntity({
      name: 'studio-s2',
      title: '',
      namespace: '',
      type: 'edge',
      lifecycle: '' as any,
      owner: 'group:default/sre',
      provider: '',
      residency: [],
      replication: { role: undefined, source: '' },
      budget: { currency: 'USD', monthly: undefined },
    });
    expect(entity.metadata).toEqual({ name: 'studio-s2' });
    expect(entity.spec).toEqual({
      type: 'edge',
      lifecycle: 'provisioning',
      owner: 'group:default/sre',
      budget: { currency: 'USD' },
    });
  });

  it('keeps invalid values for the validator to name', () => {
    const entity = buildRegionEntity({
      name: 'bad',
      type: 'edge',
      owner: 'sre',
      network: { cidr: '10.20.1.0/16' },
    });
    expect(validateRegionEntity(entity).map(p => p.message)).toEqual([
      'spec.network.cidr "10.20.1.0/16" is not canonical: host bits are set below /16; did you mean 10.20.0.0/16?',
    ]);
  });
});
