import { RegionEntity, RegionSpec } from '@meridian/plugin-regions-common';

/** A valid Region entity; `spec` overrides the edge/production defaults. */
export function region(
  name: string,
  spec: Partial<RegionSpec> = {},
  metadata: Partial<RegionEntity['metadata']> = {},
): RegionEntity {
  return {
    apiVersion: 'meridian.dev/v1alpha1',
    kind: 'Region',
    metadata: { name, namespace: 'default', ...metadata },
    spec: {
      type: 'edge',
      lifecycle: 'production',
      owner: 'group:default/sre',
      ...spec,
    },
  };
}
