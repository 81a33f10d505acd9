import { Entity } from '@backstage/catalog-model';
import { region } from './regionsBackend';

/*
 * A hub the real readiness scoring rates 83.3 %: every built-in check that
 * applies without live facts passes but one (no spec.replication: Backup & DR
 * scores 0). Below the default threshold of 94 %, ready with
 * `regions.readiness.threshold: 75`.
 */
export const hubEntities = (name: string): Entity[] => [
  region(
    name,
    {
      type: 'global-hub',
      location: { city: 'Porto Alegre', country: 'BR' },
      userLatencyTargetMs: 15,
      residency: ['LGPD'],
      availabilityTarget: 99.95,
    },
    { annotations: { 'backstage.io/techdocs-ref': 'dir:.' } },
  ),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'sre', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `${name}-render-farm`,
      namespace: 'default',
      annotations: { 'meridian.dev/regions': name },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'sre' },
  },
];

/** The hub's score and failing checks as the readiness gate names them. */
export const HUB_NOT_READY = (name: string) =>
  `hub region:default/${name} is not ready: readiness 83.3 % is below the threshold of 94 %; failing checks: ` +
  'Standby and recovery targets declared (failed: spec.replication.role is not declared: no standby holds this region’s data). Nothing was changed';

/** Config under which the hub above counts as ready. */
export const HUB_READY_CONFIG = { regions: { readiness: { threshold: 75 } } };
