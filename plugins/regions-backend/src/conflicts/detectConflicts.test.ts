import { mockServices } from '@backstage/backend-test-utils';
import { RegionConflictRule } from '@meridian/plugin-regions-node';
import { region } from '../__testUtils__/region';
import { builtInConflictRules, detectConflicts } from './detectConflicts';

const regions = [
  region('a', { hub: 'b', network: { cidr: '10.16.0.0/16' } }),
  region('b', { hub: 'a', network: { cidr: '10.16.0.0/12' } }),
  region('c', {
    links: [{ to: 'gone' }],
    replication: { role: 'warm-standby', source: 'a' },
  }),
];

describe('detectConflicts', () => {
  it('reports the conflicts of every built-in rule, rule by rule', async () => {
    const conflicts = await detectConflicts({
      regions,
      rules: builtInConflictRules,
      logger: mockServices.logger.mock(),
    });
    expect(conflicts.map(c => c.type)).toEqual([
      'cidr-overlap',
      'hub-cycle',
      'unresolved-ref',
      'invalid-replication-source',
    ]);
  });

  it('logs a rule that throws and keeps the conflicts of the others', async () => {
    const logger = mockServices.logger.mock();
    const broken: RegionConflictRule = {
      id: 'broken',
      detect() {
        throw new Error('residency table missing');
      },
    };
    const custom: RegionConflictRule = {
      id: 'custom',
      detect: async all => [
        {
          type: 'custom',
          regions: ['region:default/c'],
          field: 'spec.residency',
          message: `${all.length} regions checked`,
        },
      ],
    };

    const conflicts = await detectConflicts({
      regions,
      rules: [broken, builtInConflictRules[0], custom],
      logger,
    });

    expect(conflicts.map(c => c.type)).toEqual(['cidr-overlap', 'custom']);
    expect(conflicts[1].message).toBe('3 regions checked');
    expect(logger.error).toHaveBeenCalledWith(
      'Region conflict rule broken failed and was skipped: residency table missing',
    );
  });
});
