/**
 * Region entities for the tests of the Meridian packages, defined once.
 *
 * @packageDocumentation
 */
import { RegionEntity, RegionSpec } from '../entity/RegionEntity';

/** The spec's own example, studio-sul: every field of a Region's spec declared. */
export const studioSulSpec = {
  type: 'regional-hub',
  lifecycle: 'production',
  owner: 'group:default/sre',
  provider: 'colo',
  location: {
    city: 'Porto Alegre',
    country: 'BR',
    latitude: -30.03,
    longitude: -51.23,
  },
  hub: 'region:default/studio-primary',
  network: { cidr: '10.16.0.0/16', pool: 'brazil' },
  links: [
    {
      to: 'region:default/studio-primary',
      latencyTargetMs: 35,
      transport: 'wireguard',
    },
  ],
  userLatencyTargetMs: 20,
  residency: ['LGPD'],
  availabilityTarget: 99.9,
  replication: {
    role: 'warm-standby',
    mode: 'streaming',
    source: 'region:default/studio-primary',
    rpoSeconds: 60,
    rtoSeconds: 300,
  },
  budget: { monthly: 6000, currency: 'USD' },
  capabilities: ['ai-inference', 'observability-hub'],
} satisfies RegionSpec;

/**
 * A valid Region entity in the default namespace: an edge region in
 * production owned by SRE, unless `spec` says otherwise.
 */
export function regionEntity(
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
