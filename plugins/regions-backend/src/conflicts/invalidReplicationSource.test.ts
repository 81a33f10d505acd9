import { RegionSpec } from '@meridian/plugin-regions-common';
import { region } from '../__testUtils__/region';
import { invalidReplicationSourceRule } from './invalidReplicationSource';

const replication = (name: string, value: RegionSpec['replication']) =>
  region(name, { replication: value });

describe('invalidReplicationSourceRule', () => {
  it('reports a standby replicating from another standby', () => {
    expect(
      invalidReplicationSourceRule.detect([
        replication('primary', { role: 'primary' }),
        replication('warm', { role: 'warm-standby', source: 'primary' }),
        replication('cold', { role: 'cold-standby', source: 'warm' }),
      ]),
    ).toEqual([
      {
        type: 'invalid-replication-source',
        regions: ['region:default/cold', 'region:default/warm'],
        field: 'spec.replication.source',
        message:
          'spec.replication.source region:default/warm of cold-standby region:default/cold is a warm-standby, not a primary or active region',
      },
    ]);
  });

  it('reports a standby whose source declares no replication role', () => {
    expect(
      invalidReplicationSourceRule.detect([
        region('plain'),
        replication('warm', { role: 'warm-standby', source: 'plain' }),
      ]),
    ).toEqual([
      expect.objectContaining({
        message:
          'spec.replication.source region:default/plain of warm-standby region:default/warm is a region with no replication role, not a primary or active region',
      }),
    ]);
  });

  it('accepts standbys of primary and active regions', () => {
    expect(
      invalidReplicationSourceRule.detect([
        replication('primary', { role: 'primary' }),
        replication('active', { role: 'active' }),
        replication('warm', { role: 'warm-standby', source: 'primary' }),
        replication('cold', { role: 'cold-standby', source: 'active' }),
      ]),
    ).toEqual([]);
  });

  it('leaves unknown sources and non-standby roles to other rules', () => {
    expect(
      invalidReplicationSourceRule.detect([
        replication('warm', { role: 'warm-standby', source: 'gone' }),
        replication('other', { role: 'warm-standby' }),
        replication('active', { role: 'active', source: 'other' }),
      ]),
    ).toEqual([]);
  });
});
