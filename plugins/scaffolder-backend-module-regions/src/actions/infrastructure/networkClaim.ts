import { InputError } from '@backstage/errors';
import { parseRegionRef, RegionEntity } from '@meridian/plugin-regions-common';
import Ajv from 'ajv';
import xrd from './RegionNetwork.xrd.json';

const version = xrd.spec.versions[0];
const validateClaim = new Ajv({ allErrors: true, strict: false }).compile(
  version.schema.openAPIV3Schema,
);

/** The Crossplane claim of a region's network block, as written to disk. */
export interface RegionNetworkClaim {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels: Record<string, string> };
  spec: Record<string, unknown>;
}

/**
 * The `RegionNetwork` claim for a region with a network block, checked
 * against the schema of the XRD that ships with this module (the one
 * Crossplane enforces when the claim is applied). Undefined when the region
 * has no block. Throws naming every field the schema refuses.
 */
export function buildNetworkClaim(
  entity: RegionEntity,
): RegionNetworkClaim | undefined {
  const { spec, metadata } = entity;
  if (!spec.network?.cidr) {
    return undefined;
  }
  const hubLink = spec.hub
    ? spec.links?.find(link => sameRegion(link.to, spec.hub!, metadata))
    : undefined;
  const claim: RegionNetworkClaim = {
    apiVersion: `${xrd.spec.group}/${version.name}`,
    kind: xrd.spec.claimNames.kind,
    metadata: {
      name: metadata.name,
      labels: { 'meridian.dev/region': metadata.name },
    },
    spec: {
      region: metadata.name,
      cidr: spec.network.cidr,
      ...(spec.network.pool ? { pool: spec.network.pool } : {}),
      provider: spec.provider ?? '',
      ...(spec.location?.city || spec.location?.country
        ? {
            location: {
              ...(spec.location.city ? { city: spec.location.city } : {}),
              ...(spec.location.country
                ? { country: spec.location.country }
                : {}),
            },
          }
        : {}),
      ...(spec.hub
        ? {
            hubLink: {
              hub: parseRegionRef(spec.hub, {
                defaultNamespace: metadata.namespace,
              }).name,
              transport: hubLink?.transport ?? 'wireguard',
              ...(hubLink?.latencyTargetMs !== undefined
                ? { latencyTargetMs: hubLink.latencyTargetMs }
                : {}),
            },
          }
        : {}),
    },
  };
  if (!validateClaim(claim)) {
    const problems = (validateClaim.errors ?? []).map(error => {
      const field = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
      const value = field
        .split('.')
        .reduce<any>((node, key) => node?.[key], claim);
      return `${field || 'claim'} ${JSON.stringify(value)} ${error.message}`;
    });
    throw new InputError(
      `The RegionNetwork claim would not be accepted by Crossplane: ${problems.join(
        '; ',
      )}`,
    );
  }
  return claim;
}

function sameRegion(
  a: string,
  b: string,
  metadata: RegionEntity['metadata'],
): boolean {
  const context = { defaultNamespace: metadata.namespace };
  const left = parseRegionRef(a, context);
  const right = parseRegionRef(b, context);
  return left.namespace === right.namespace && left.name === right.name;
}
