import { Entity } from '@backstage/catalog-model';
import { region } from '../__testUtils__/region';
import { deployedResidencyConflicts, standbyResidencyRule } from './residency';

const saEast = region('sa-east', {
  residency: ['LGPD'],
  replication: { role: 'primary', mode: 'streaming' },
});
const euWest = region('eu-west', { residency: ['GDPR', 'lgpd'] });
const usEast = region('us-east', {
  replication: { role: 'warm-standby', mode: 'logical', source: 'sa-east' },
});
const usWest = region('us-west', {
  replication: {
    role: 'cold-standby',
    mode: 'backup',
    source: 'region:default/us-east',
  },
});

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {},
  };
}

describe('deployedResidencyConflicts', () => {
  it('names the entity, the region and the missing regime, on both', () => {
    const checkout = component('checkout', {
      'meridian.dev/residency': 'LGPD, GDPR',
      'meridian.dev/regions': 'sa-east, eu-west, us-east, mars-1',
    });
    expect(
      deployedResidencyConflicts([saEast, euWest, usEast], [checkout]),
    ).toEqual([
      {
        type: 'residency',
        regions: ['region:default/sa-east'],
        entities: ['component:default/checkout'],
        field: 'metadata.annotations.meridian.dev/residency',
        message:
          'component:default/checkout must keep its data under LGPD, GDPR (meridian.dev/residency) but meridian.dev/regions deploys it in region:default/sa-east, whose spec.residency lacks GDPR',
      },
      // eu-west holds both (case does not matter); mars-1 is unknown
      {
        type: 'residency',
        regions: ['region:default/us-east'],
        entities: ['component:default/checkout'],
        field: 'metadata.annotations.meridian.dev/residency',
        message:
          'component:default/checkout must keep its data under LGPD, GDPR (meridian.dev/residency) but meridian.dev/regions deploys it in region:default/us-east, whose spec.residency lacks LGPD, GDPR',
      },
    ]);
  });

  it('finds nothing for entities with no residency or deployed where it holds', () => {
    expect(
      deployedResidencyConflicts(
        [saEast, usEast],
        [
          component('docs', { 'meridian.dev/regions': 'us-east' }),
          component('ledger', {
            'meridian.dev/residency': 'lgpd',
            'meridian.dev/regions': 'sa-east',
          }),
        ],
      ),
    ).toEqual([]);
  });
});

describe('standbyResidencyRule', () => {
  it('flags every region downstream of data under a regime it lacks', async () => {
    const conflicts = await standbyResidencyRule.detect([
      saEast,
      euWest,
      usEast,
      usWest,
    ]);
    expect(conflicts).toEqual([
      {
        type: 'residency',
        regions: ['region:default/us-east', 'region:default/sa-east'],
        field: 'spec.residency',
        message:
          'region:default/us-east replicates the data of region:default/sa-east (spec.replication.source), which is under LGPD, but its spec.residency lacks LGPD',
      },
      // us-west gets sa-east's data through us-east
      {
        type: 'residency',
        regions: ['region:default/us-west', 'region:default/sa-east'],
        field: 'spec.residency',
        message:
          'region:default/us-west replicates the data of region:default/sa-east (spec.replication.source), which is under LGPD, but its spec.residency lacks LGPD',
      },
    ]);
  });

  it('accepts a standby under the same regimes and survives a cycle', async () => {
    const a = region('a', {
      residency: ['GDPR'],
      replication: { role: 'warm-standby', source: 'b' },
    });
    const b = region('b', {
      residency: ['GDPR'],
      replication: { role: 'warm-standby', source: 'a' },
    });
    expect(await standbyResidencyRule.detect([a, b])).toEqual([]);
  });
});
