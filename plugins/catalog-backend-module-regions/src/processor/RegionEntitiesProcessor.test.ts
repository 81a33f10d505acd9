import { Entity } from '@backstage/catalog-model';
import { LocationSpec } from '@backstage/plugin-catalog-common';
import { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import { studioSulSpec } from '@meridian/plugin-regions-common/testUtils';
import { RegionEntitiesProcessor } from './RegionEntitiesProcessor';

const location: LocationSpec = {
  type: 'url',
  target: 'https://git.example.com/infra/regions/studio-sul.yaml',
};

function region(
  spec: Entity['spec'],
  metadata: Partial<Entity['metadata']> = {},
): Entity {
  return {
    apiVersion: 'meridian.dev/v1alpha1',
    kind: 'Region',
    metadata: { name: 'studio-sul', ...metadata },
    spec,
  };
}

function entity(
  kind: string,
  annotations: Record<string, string>,
  namespace?: string,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name: 'checkout-api', namespace, annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'payments-team' },
  };
}

async function postProcess(input: Entity) {
  const emitted: CatalogProcessorResult[] = [];
  const output = await new RegionEntitiesProcessor().postProcessEntity(
    input,
    location,
    result => emitted.push(result),
  );
  return { output, emitted };
}

function rel(source: string, type: string, target: string) {
  const ref = (s: string) => {
    const [kind, rest] = s.split(':');
    const [namespace, name] = rest.split('/');
    return { kind, namespace, name };
  };
  return {
    type: 'relation',
    relation: { source: ref(source), type, target: ref(target) },
  };
}

describe('RegionEntitiesProcessor', () => {
  const processor = new RegionEntitiesProcessor();

  describe('validateEntityKind', () => {
    it('accepts a region using every field of the spec', async () => {
      await expect(
        processor.validateEntityKind(region(studioSulSpec)),
      ).resolves.toBe(true);
    });

    it('accepts a region with only type, lifecycle and owner', async () => {
      await expect(
        processor.validateEntityKind(
          region({ type: 'edge', lifecycle: 'planned', owner: 'sre' }),
        ),
      ).resolves.toBe(true);
    });

    it('leaves other kinds and other apiVersions to other processors', async () => {
      await expect(
        processor.validateEntityKind(entity('Component', {})),
      ).resolves.toBe(false);
      await expect(
        processor.validateEntityKind({
          ...region(studioSulSpec),
          apiVersion: 'example.com/v1',
        }),
      ).resolves.toBe(false);
    });

    it.each([
      [
        'an unknown type',
        { ...studioSulSpec, type: 'galaxy-hub' },
        'spec.type "galaxy-hub" must be one of global-hub, regional-hub, edge',
      ],
      [
        'a missing owner',
        { type: 'edge', lifecycle: 'planned' },
        'spec.owner is required',
      ],
      [
        'a non-canonical CIDR',
        { ...studioSulSpec, network: { cidr: '10.16.1.0/16', pool: 'brazil' } },
        'spec.network.cidr "10.16.1.0/16" is not canonical: host bits are set below /16; did you mean 10.16.0.0/16?',
      ],
      [
        'a malformed CIDR',
        { ...studioSulSpec, network: { cidr: '10.300.0.0/16' } },
        'spec.network.cidr "10.300.0.0/16" is not a CIDR block like 10.16.0.0/16',
      ],
      [
        'a negative user latency target',
        { ...studioSulSpec, userLatencyTargetMs: -5 },
        'spec.userLatencyTargetMs -5 must be ≥ 0',
      ],
      [
        'a negative link latency target',
        {
          ...studioSulSpec,
          links: [{ to: 'studio-primary', latencyTargetMs: -1 }],
        },
        'spec.links[0].latencyTargetMs -1 must be ≥ 0',
      ],
      [
        'a negative RPO',
        {
          ...studioSulSpec,
          replication: { ...studioSulSpec.replication, rpoSeconds: -60 },
        },
        'spec.replication.rpoSeconds -60 must be ≥ 0',
      ],
      [
        'a negative RTO',
        {
          ...studioSulSpec,
          replication: { ...studioSulSpec.replication, rtoSeconds: -300 },
        },
        'spec.replication.rtoSeconds -300 must be ≥ 0',
      ],
      [
        'a standby with no source',
        {
          ...studioSulSpec,
          replication: { role: 'cold-standby', mode: 'backup' },
        },
        'spec.replication.source is required when spec.replication.role is "cold-standby"',
      ],
      [
        'a hub that is not a region',
        { ...studioSulSpec, hub: 'component:default/api' },
        'spec.hub "component:default/api" must refer to a Region, not a component',
      ],
      [
        'a replication source that is not a region',
        {
          ...studioSulSpec,
          replication: { ...studioSulSpec.replication, source: 'group:sre' },
        },
        'spec.replication.source "group:sre" must refer to a Region, not a group',
      ],
    ])(
      'rejects %s, naming the field and the value',
      async (_case, spec, message) => {
        await expect(
          processor.validateEntityKind(region(spec)),
        ).rejects.toThrow(`Invalid Region "studio-sul": ${message}`);
      },
    );

    it('lists every problem of a region in one message', async () => {
      const invalid = region({
        ...studioSulSpec,
        network: { cidr: '10.16.1.0/16' },
        hub: 'system:default/studio',
        replication: { role: 'warm-standby' },
      });
      const rejection = processor.validateEntityKind(invalid);
      await expect(rejection).rejects.toThrow(
        'spec.network.cidr "10.16.1.0/16" is not canonical',
      );
      await expect(rejection).rejects.toThrow(
        'spec.hub "system:default/studio" must refer to a Region, not a system',
      );
      await expect(rejection).rejects.toThrow(
        'spec.replication.source is required when spec.replication.role is "warm-standby"',
      );
    });
  });

  describe('postProcessEntity on a Region', () => {
    it('emits owner, hub and replication relations in both directions', async () => {
      const { output, emitted } = await postProcess(region(studioSulSpec));
      const self = 'Region:default/studio-sul';
      expect(emitted).toEqual([
        rel(self, 'ownedBy', 'group:default/sre'),
        rel('group:default/sre', 'ownerOf', self),
        rel(self, 'spokeOf', 'region:default/studio-primary'),
        rel('region:default/studio-primary', 'hubOf', self),
        rel(self, 'replicaOf', 'region:default/studio-primary'),
        rel('region:default/studio-primary', 'hasReplica', self),
      ]);
      expect(output).toEqual(region(studioSulSpec));
    });

    it("resolves short refs in the region's own namespace", async () => {
      const { emitted } = await postProcess(
        region(
          {
            ...studioSulSpec,
            owner: 'sre',
            hub: 'studio-primary',
            replication: { role: 'cold-standby', source: 'region:ops/vault' },
          },
          { namespace: 'brazil' },
        ),
      );
      const self = 'Region:brazil/studio-sul';
      expect(emitted).toEqual([
        rel(self, 'ownedBy', 'Group:brazil/sre'),
        rel('Group:brazil/sre', 'ownerOf', self),
        rel(self, 'spokeOf', 'Region:brazil/studio-primary'),
        rel('Region:brazil/studio-primary', 'hubOf', self),
        rel(self, 'replicaOf', 'region:ops/vault'),
        rel('region:ops/vault', 'hasReplica', self),
      ]);
    });

    it('emits only ownership for a region with no hub and no source', async () => {
      const { emitted } = await postProcess(
        region({
          type: 'global-hub',
          lifecycle: 'production',
          owner: 'user:guest',
          replication: { role: 'primary', mode: 'streaming' },
        }),
      );
      expect(emitted).toEqual([
        rel('Region:default/studio-sul', 'ownedBy', 'user:default/guest'),
        rel('user:default/guest', 'ownerOf', 'Region:default/studio-sul'),
      ]);
    });
  });

  describe('postProcessEntity on entities deployed in regions', () => {
    it.each(['Component', 'Resource', 'System'])(
      'relates a %s to each region of its meridian.dev/regions annotation',
      async kind => {
        const { emitted } = await postProcess(
          entity(
            kind,
            { 'meridian.dev/regions': 'us-east, region:default/us-west' },
            'payments',
          ),
        );
        const self = `${kind}:payments/checkout-api`;
        expect(emitted).toEqual([
          rel(self, 'deployedIn', 'Region:payments/us-east'),
          rel('Region:payments/us-east', 'hosts', self),
          rel(self, 'deployedIn', 'region:default/us-west'),
          rel('region:default/us-west', 'hosts', self),
        ]);
      },
    );

    it('ignores the annotation on kinds that are not deployed', async () => {
      for (const kind of ['API', 'Group', 'User', 'Domain']) {
        const { emitted } = await postProcess(
          entity(kind, { 'meridian.dev/regions': 'us-east' }),
        );
        expect(emitted).toEqual([]);
      }
    });

    it('emits nothing for a component without the annotation', async () => {
      const { emitted } = await postProcess(entity('Component', {}));
      expect(emitted).toEqual([]);
    });

    it('reports each bad ref, naming the annotation and the value, and keeps the good ones', async () => {
      const { emitted } = await postProcess(
        entity('Component', {
          'meridian.dev/regions': 'us-east, component:default/ledger, region:',
        }),
      );
      const self = 'Component:default/checkout-api';
      expect(emitted.filter(r => r.type === 'relation')).toEqual([
        rel(self, 'deployedIn', 'Region:default/us-east'),
        rel('Region:default/us-east', 'hosts', self),
      ]);
      const errors = emitted.flatMap(r => (r.type === 'error' ? [r] : []));
      expect(
        errors.map(e => [e.location, e.error.name, e.error.message]),
      ).toEqual([
        [
          location,
          'InputError',
          'Annotation meridian.dev/regions of Component "checkout-api": "component:default/ledger" must refer to a Region, not a component',
        ],
        [
          location,
          'InputError',
          'Annotation meridian.dev/regions of Component "checkout-api": "region:" is not an entity reference of the form [region:][<namespace>/]<name>',
        ],
      ]);
    });
  });
});
