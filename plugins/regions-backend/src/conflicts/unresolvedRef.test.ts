import { region } from '../__testUtils__/region';
import { unresolvedRefRule } from './unresolvedRef';

describe('unresolvedRefRule', () => {
  it('reports a hub, a replication source and a link target that name no region', () => {
    expect(
      unresolvedRefRule.detect([
        region('hub'),
        region('spoke', {
          hub: 'gone-hub',
          replication: {
            role: 'warm-standby',
            source: 'region:default/gone-db',
          },
          links: [{ to: 'hub' }, { to: 'region:default/gone-link' }],
        }),
      ]),
    ).toEqual([
      {
        type: 'unresolved-ref',
        regions: ['region:default/spoke'],
        field: 'spec.hub',
        message:
          'spec.hub region:default/gone-hub of region:default/spoke does not resolve to a known region',
      },
      {
        type: 'unresolved-ref',
        regions: ['region:default/spoke'],
        field: 'spec.replication.source',
        message:
          'spec.replication.source region:default/gone-db of region:default/spoke does not resolve to a known region',
      },
      {
        type: 'unresolved-ref',
        regions: ['region:default/spoke'],
        field: 'spec.links[1].to',
        message:
          'spec.links[1].to region:default/gone-link of region:default/spoke does not resolve to a known region',
      },
    ]);
  });

  it('resolves refs without a namespace in the namespace of the region', () => {
    expect(
      unresolvedRefRule.detect([
        region('core'),
        region('edge', { hub: 'core' }, { namespace: 'ops' }),
      ]),
    ).toEqual([
      expect.objectContaining({
        field: 'spec.hub',
        message:
          'spec.hub region:ops/core of region:ops/edge does not resolve to a known region',
      }),
    ]);
  });

  it('accepts refs to known regions in any spelling the catalog accepts', () => {
    expect(
      unresolvedRefRule.detect([
        region('core', {}, { namespace: 'ops' }),
        region('edge', {
          hub: 'region:ops/core',
          links: [{ to: 'Region:ops/Core' }, { to: 'ops/core' }],
          replication: { role: 'cold-standby', source: 'region:ops/core' },
        }),
      ]),
    ).toEqual([]);
  });
});
