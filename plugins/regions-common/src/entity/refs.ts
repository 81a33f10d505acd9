import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ANNOTATION_DEPLOYED_REGIONS, REGION_KIND } from './constants';

/**
 * Parses a reference to a region, defaulting the kind to Region and the
 * namespace to the referring entity's. Throws on a malformed reference.
 * @public
 */
export function parseRegionRef(
  ref: string,
  context: { defaultNamespace?: string } = {},
): CompoundEntityRef {
  return parseEntityRef(ref, {
    defaultKind: REGION_KIND,
    defaultNamespace: context.defaultNamespace ?? 'default',
  });
}

/** The canonical string form (`region:namespace/name`) of a region reference. @public */
export function normalizeRegionRef(
  ref: string,
  context: { defaultNamespace?: string } = {},
): string {
  return stringifyEntityRef(parseRegionRef(ref, context));
}

/** Splits the `meridian.dev/regions` annotation value ("a, b") into its raw refs. @public */
export function splitRegionsAnnotation(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map(part => part.trim())
    .filter(Boolean);
}

/**
 * The regions an entity declares it runs in through the `meridian.dev/regions`
 * annotation, as canonical refs. Malformed refs are left out; the catalog module
 * reports them.
 * @public
 */
export function getDeployedRegionRefs(entity: Entity): string[] {
  const namespace = entity.metadata.namespace ?? 'default';
  const refs: string[] = [];
  for (const raw of splitRegionsAnnotation(
    entity.metadata.annotations?.[ANNOTATION_DEPLOYED_REGIONS],
  )) {
    try {
      refs.push(normalizeRegionRef(raw, { defaultNamespace: namespace }));
    } catch {
      // reported by the catalog module with the entity's other errors
    }
  }
  return refs;
}
