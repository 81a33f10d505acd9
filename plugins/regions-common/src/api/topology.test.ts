import { RegionEntity } from '../entity/RegionEntity';
import { toTopologyRegion, topologyEdgesOf } from './topology';

const sul: RegionEntity = {
  apiVersion: 'meridian.dev/v1alpha1',
  kind: 'Region',
  metadata: { name: 'studio-sul', namespace: 'brazil', title: 'Studio-Sul' },
  spec: {
    type: 'regional-hub',
    lifecycle: 'production',
    owner: 'group:default/sre',
    hub: 'studio-primary',
    network: { cidr: '10.16.0.0/16' },
    links: [
      {
        to: 'region:default/studio-primary',
        latencyTargetMs: 35,
        transport: 'wireguard',
      },
      { to: 'group:default/sre' },
      { to: 'region:' },
    ],
    replication: { role: 'warm-standby', source: 'studio-primary' },
  },
};

describe('toTopologyRegion', () => {
  it('resolves refs in the region namespace and counts conflicts', () => {
    expect(toTopologyRegion(sul, 2)).toEqual({
      ref: 'region:brazil/studio-sul',
      namespace: 'brazil',
      name: 'studio-sul',
      title: 'Studio-Sul',
      type: 'regional-hub',
      tier: 2,
      lifecycle: 'production',
      owner: 'group:default/sre',
      provider: undefined,
      location: undefined,
      cidr: '10.16.0.0/16',
      hub: 'region:brazil/studio-primary',
      replication: {
        role: 'warm-standby',
        source: 'region:brazil/studio-primary',
      },
      status: 'conflict',
      conflicts: 2,
    });
    expect(toTopologyRegion(sul).status).toBe('ok');
  });
});

describe('topologyEdgesOf', () => {
  it('lists hub, link and replication edges and skips refs that are malformed or not regions', () => {
    expect(topologyEdgesOf(sul)).toEqual([
      {
        from: 'region:brazil/studio-sul',
        to: 'region:brazil/studio-primary',
        kind: 'hub',
      },
      {
        from: 'region:brazil/studio-sul',
        to: 'region:default/studio-primary',
        kind: 'link',
        latencyTargetMs: 35,
        transport: 'wireguard',
      },
      {
        from: 'region:brazil/studio-sul',
        to: 'region:brazil/studio-primary',
        kind: 'replication',
      },
    ]);
  });
});
