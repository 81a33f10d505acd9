import { Entity } from '@backstage/catalog-model';

/** The SRE team, owner of the test regions, as a catalog Group. */
export const sreGroup: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'sre', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

/** A production service of the SRE team deployed to `regions` (the `meridian.dev/regions` annotation). */
export function sreService(name: string, regions: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'meridian.dev/regions': regions },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'sre' },
  };
}
