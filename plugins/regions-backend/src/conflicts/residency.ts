import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_DEPLOYED_REGIONS,
  ANNOTATION_RESIDENCY,
  getDeployedRegionRefs,
  RegionConflict,
  RegionEntity,
  splitRegionsAnnotation,
} from '@meridian/plugin-regions-common';
import { RegionConflictRule } from '@meridian/plugin-regions-node';
import { RegionIndex } from './RegionIndex';

/** Regimes compare without regard to case or spaces: `lgpd` is `LGPD`. */
const normalized = (regime: string) => regime.trim().toLocaleUpperCase('en-US');

function residencyOf(region: RegionEntity): Set<string> {
  return new Set((region.spec.residency ?? []).map(normalized));
}

function missingFrom(required: Iterable<string>, region: RegionEntity) {
  const held = residencyOf(region);
  return [...required].filter(regime => !held.has(regime));
}

/**
 * Components, Resources and Systems whose `meridian.dev/residency` says
 * their data must stay under a regime (LGPD, GDPR) and that
 * `meridian.dev/regions` deploys into a region whose `spec.residency` lacks
 * it: one conflict per entity and region, naming both and the missing regimes.
 * Regions the catalog does not know are left to the catalog module.
 */
export function deployedResidencyConflicts(
  regions: RegionEntity[],
  entities: Entity[],
): RegionConflict[] {
  const byRef = new Map(regions.map(r => [stringifyEntityRef(r), r]));
  const conflicts: RegionConflict[] = [];
  for (const entity of entities) {
    const required = splitRegionsAnnotation(
      entity.metadata.annotations?.[ANNOTATION_RESIDENCY],
    ).map(normalized);
    if (required.length === 0) {
      continue;
    }
    const entityRef = stringifyEntityRef(entity);
    for (const regionRef of getDeployedRegionRefs(entity)) {
      const region = byRef.get(regionRef);
      const missing = region ? missingFrom(required, region) : [];
      if (missing.length === 0) {
        continue;
      }
      conflicts.push({
        type: 'residency',
        regions: [regionRef],
        entities: [entityRef],
        field: `metadata.annotations.${ANNOTATION_RESIDENCY}`,
        message: `${entityRef} must keep its data under ${required.join(
          ', ',
        )} (${ANNOTATION_RESIDENCY}) but ${ANNOTATION_DEPLOYED_REGIONS} deploys it in ${regionRef}, whose spec.residency lacks ${missing.join(
          ', ',
        )}`,
      });
    }
  }
  return conflicts;
}

/**
 * Regions that receive, through their `spec.replication.source` chain, the
 * data of a region under a regime their own `spec.residency` lacks (LGPD
 * data replicated out of Brazil): one conflict per region and upstream.
 */
export const standbyResidencyRule: RegionConflictRule = {
  id: 'residency',
  detect(regions) {
    const index = new RegionIndex(regions);
    const conflicts: RegionConflict[] = [];
    for (const region of regions) {
      const regionRef = stringifyEntityRef(region);
      const seen = new Set([regionRef]);
      let current = region;
      for (;;) {
        const source = current.spec.replication?.source;
        const upstream = source ? index.resolve(source, current) : undefined;
        if (!upstream?.region || seen.has(upstream.ref)) {
          break; // the end of the chain, an unknown region or a cycle
        }
        seen.add(upstream.ref);
        const missing = missingFrom(residencyOf(upstream.region), region);
        if (missing.length > 0) {
          conflicts.push({
            type: 'residency',
            regions: [regionRef, upstream.ref],
            field: 'spec.residency',
            message: `${regionRef} replicates the data of ${
              upstream.ref
            } (spec.replication.source), which is under ${missing.join(
              ', ',
            )}, but its spec.residency lacks ${missing.join(', ')}`,
          });
        }
        current = upstream.region;
      }
    }
    return conflicts;
  },
};
