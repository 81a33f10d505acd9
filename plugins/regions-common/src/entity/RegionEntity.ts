import { Entity } from '@backstage/catalog-model';
import {
  REGION_API_VERSION,
  REGION_KIND,
  REGION_LIFECYCLES,
  REGION_TYPES,
  REPLICATION_MODES,
  REPLICATION_ROLES,
} from './constants';

/** @public */
export type RegionType = (typeof REGION_TYPES)[number];
/** @public */
export type RegionLifecycle = (typeof REGION_LIFECYCLES)[number];
/** @public */
export type ReplicationRole = (typeof REPLICATION_ROLES)[number];
/** @public */
export type ReplicationMode = (typeof REPLICATION_MODES)[number];

/** A declared network link from a region to another. @public */
export type RegionLink = {
  to: string;
  latencyTargetMs?: number;
  transport?: string;
};

/**
 * The `spec` of a Region entity. A type alias, not an interface, so that it is
 * assignable to the catalog's JsonObject.
 * @public
 */
export type RegionSpec = {
  type: RegionType;
  lifecycle: RegionLifecycle;
  owner: string;
  provider?: string;
  location?: {
    city?: string;
    country?: string;
    latitude?: number;
    longitude?: number;
  };
  hub?: string;
  network?: { cidr?: string; pool?: string };
  links?: RegionLink[];
  userLatencyTargetMs?: number;
  residency?: string[];
  availabilityTarget?: number;
  replication?: {
    role?: ReplicationRole;
    mode?: ReplicationMode;
    source?: string;
    rpoSeconds?: number;
    rtoSeconds?: number;
  };
  budget?: { monthly?: number; currency?: string };
  capabilities?: string[];
};

/** A Region entity, `meridian.dev/v1alpha1`. @public */
export interface RegionEntityV1alpha1 extends Entity {
  apiVersion: typeof REGION_API_VERSION;
  kind: typeof REGION_KIND;
  spec: RegionSpec;
}

/** @public */
export type RegionEntity = RegionEntityV1alpha1;

/** True for an entity of kind Region under Meridian's apiVersion. @public */
export function isRegionEntity(entity: Entity): entity is RegionEntity {
  return (
    entity.apiVersion === REGION_API_VERSION &&
    entity.kind.toLocaleLowerCase('en-US') ===
      REGION_KIND.toLocaleLowerCase('en-US')
  );
}

const TIERS: Record<RegionType, 1 | 2 | 3> = {
  'global-hub': 1,
  'regional-hub': 2,
  edge: 3,
};

/**
 * The hub-and-spoke tier of a region type: 1 global hub, 2 regional hub, 3 edge.
 * An unknown type (which the catalog rejects) counts as an edge.
 * @public
 */
export function regionTier(type: RegionType): 1 | 2 | 3 {
  return TIERS[type] ?? 3;
}
