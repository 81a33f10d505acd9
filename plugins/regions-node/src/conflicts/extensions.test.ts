import { createBackendModule } from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  normalizeRegionRef,
  RegionConflict,
  RegionEntity,
} from '@meridian/plugin-regions-common';
import { regionsConflictRulesExtensionPoint } from './extensions';
import { RegionConflictRule } from './types';

// The residency rule and module from the README, kept here so the sample
// stays correct.
const residencyRule: RegionConflictRule = {
  id: 'residency-mismatch',
  detect(regions) {
    const byRef = new Map(regions.map(r => [stringifyEntityRef(r), r]));
    return regions.flatMap(replica => {
      const source = replica.spec.replication?.source;
      if (!source) {
        return [];
      }
      const sourceRef = normalizeRegionRef(source, {
        defaultNamespace: replica.metadata.namespace,
      });
      const missing = (byRef.get(sourceRef)?.spec.residency ?? []).filter(
        regime => !replica.spec.residency?.includes(regime),
      );
      if (missing.length === 0) {
        return [];
      }
      const replicaRef = stringifyEntityRef(replica);
      return [
        {
          type: 'residency-mismatch',
          regions: [replicaRef, sourceRef],
          field: 'spec.residency',
          message: `spec.residency of ${replicaRef} lacks ${missing.join(
            ', ',
          )}, required by its replication source ${sourceRef}`,
        },
      ];
    });
  },
};

const regionsModuleResidency = createBackendModule({
  pluginId: 'regions',
  moduleId: 'residency',
  register(reg) {
    reg.registerInit({
      deps: { conflictRules: regionsConflictRulesExtensionPoint },
      async init({ conflictRules }) {
        conflictRules.addConflictRule(residencyRule);
      },
    });
  },
});

function region(
  name: string,
  spec: Partial<RegionEntity['spec']> = {},
): RegionEntity {
  return {
    apiVersion: 'meridian.dev/v1alpha1',
    kind: 'Region',
    metadata: { name, namespace: 'default' },
    spec: {
      type: 'edge',
      lifecycle: 'production',
      owner: 'group:sre',
      ...spec,
    },
  };
}

describe('regionsConflictRulesExtensionPoint', () => {
  it('is the regions plugin extension point for conflict rules', () => {
    expect(regionsConflictRulesExtensionPoint.id).toBe(
      'regions.conflict-rules',
    );
  });

  it('hands a module its rules to the regions plugin', async () => {
    const addConflictRule = jest.fn();
    await startTestBackend({
      extensionPoints: [
        [regionsConflictRulesExtensionPoint, { addConflictRule }],
      ],
      features: [regionsModuleResidency],
    });

    expect(addConflictRule).toHaveBeenCalledTimes(1);
    const [rule] = addConflictRule.mock.calls[0] as [RegionConflictRule];
    expect(rule.id).toBe('residency-mismatch');

    const conflicts: RegionConflict[] = await rule.detect([
      region('sa-east', {
        residency: ['LGPD'],
        replication: { role: 'primary' },
      }),
      region('us-east', {
        residency: ['GDPR'],
        replication: { role: 'warm-standby', source: 'sa-east' },
      }),
      region('sa-south', {
        residency: ['LGPD', 'GDPR'],
        replication: { role: 'cold-standby', source: 'region:default/sa-east' },
      }),
    ]);
    expect(conflicts).toEqual([
      {
        type: 'residency-mismatch',
        regions: ['region:default/us-east', 'region:default/sa-east'],
        field: 'spec.residency',
        message:
          'spec.residency of region:default/us-east lacks LGPD, required by its replication source region:default/sa-east',
      },
    ]);
  });
});
