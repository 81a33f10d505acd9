import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  normalizeRegionRef,
  RegionEntity,
} from '@meridian/plugin-regions-common';

/**
 * The canonical form of a region ref written in a region's spec
 * (`spec.hub`, `spec.links[].to`, ...), resolved the way the catalog does:
 * kind defaults to Region, namespace to the writer's. A malformed ref, which
 * the catalog would have rejected, is returned as written.
 */
export function canonicalRegionRef(
  value: string,
  writer: RegionEntity,
): string {
  try {
    return normalizeRegionRef(value, {
      defaultNamespace: writer.metadata.namespace,
    });
  } catch {
    return value;
  }
}

/** A region ref from a spec, resolved against the known regions. */
export interface ResolvedRegionRef {
  /** See {@link canonicalRegionRef}. */
  ref: string;
  /** The region it points at; undefined when no known region has that ref. */
  region?: RegionEntity;
}

/** Looks up the regions that the refs in other regions' specs point at. */
export class RegionIndex {
  readonly #byRef: Map<string, RegionEntity>;

  constructor(regions: RegionEntity[]) {
    this.#byRef = new Map(regions.map(r => [stringifyEntityRef(r), r]));
  }

  resolve(value: string, writer: RegionEntity): ResolvedRegionRef {
    const ref = canonicalRegionRef(value, writer);
    return { ref, region: this.#byRef.get(ref) };
  }
}
