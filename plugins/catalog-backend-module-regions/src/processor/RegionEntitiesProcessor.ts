import {
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
} from '@backstage/catalog-model';
import { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_DEPLOYED_REGIONS,
  assertValidRegionEntity,
  DEPLOYABLE_KINDS,
  isRegionEntity,
  parseRegionRef,
  REGION_KIND,
  RegionEntity,
  RELATION_DEPLOYED_IN,
  RELATION_HAS_REPLICA,
  RELATION_HOSTS,
  RELATION_HUB_OF,
  RELATION_REPLICA_OF,
  RELATION_SPOKE_OF,
  splitRegionsAnnotation,
} from '@meridian/plugin-regions-common';

/**
 * Teaches the catalog the `Region` kind (`meridian.dev/v1alpha1`): validates
 * regions, emits their owner, hub and replication relations, and relates the
 * Components, Resources and Systems that name regions in their
 * `meridian.dev/regions` annotation to those regions.
 *
 * @public
 */
export class RegionEntitiesProcessor implements CatalogProcessor {
  getProcessorName(): string {
    return 'RegionEntitiesProcessor';
  }

  async validateEntityKind(entity: Entity): Promise<boolean> {
    if (!isRegionEntity(entity)) {
      return false;
    }
    // Throws a TypeError listing every problem; the catalog shows it on the entity.
    assertValidRegionEntity(entity);
    return true;
  }

  async postProcessEntity(
    entity: Entity,
    location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (isRegionEntity(entity)) {
      emitRegionRelations(entity, emit);
    } else if ((DEPLOYABLE_KINDS as readonly string[]).includes(entity.kind)) {
      emitDeploymentRelations(entity, location, emit);
    }
    return entity;
  }
}

function emitBothWays(
  emit: CatalogProcessorEmit,
  source: CompoundEntityRef,
  type: string,
  target: CompoundEntityRef,
  reverseType: string,
) {
  emit(processingResult.relation({ source, type, target }));
  emit(
    processingResult.relation({
      source: target,
      type: reverseType,
      target: source,
    }),
  );
}

function emitRegionRelations(region: RegionEntity, emit: CatalogProcessorEmit) {
  const self = getCompoundEntityRef(region);
  const context = { defaultNamespace: self.namespace };
  const { owner, hub, replication } = region.spec;

  const ownerRef = parseEntityRef(owner, { defaultKind: 'Group', ...context });
  emitBothWays(emit, self, RELATION_OWNED_BY, ownerRef, RELATION_OWNER_OF);
  if (hub) {
    const hubRef = parseRegionRef(hub, context);
    emitBothWays(emit, self, RELATION_SPOKE_OF, hubRef, RELATION_HUB_OF);
  }
  if (replication?.source) {
    const sourceRef = parseRegionRef(replication.source, context);
    emitBothWays(
      emit,
      self,
      RELATION_REPLICA_OF,
      sourceRef,
      RELATION_HAS_REPLICA,
    );
  }
}

function emitDeploymentRelations(
  entity: Entity,
  location: LocationSpec,
  emit: CatalogProcessorEmit,
) {
  const value = entity.metadata.annotations?.[ANNOTATION_DEPLOYED_REGIONS];
  const self = getCompoundEntityRef(entity);
  // Not getDeployedRegionRefs, which drops bad refs silently: each one must be
  // reported to the entity's owner.
  for (const raw of splitRegionsAnnotation(value)) {
    const reject = (reason: string) =>
      emit(
        processingResult.inputError(
          location,
          `Annotation ${ANNOTATION_DEPLOYED_REGIONS} of ${entity.kind} "${self.name}": "${raw}" ${reason}`,
        ),
      );
    let regionRef: CompoundEntityRef;
    try {
      regionRef = parseRegionRef(raw, { defaultNamespace: self.namespace });
    } catch {
      reject(
        'is not an entity reference of the form [region:][<namespace>/]<name>',
      );
      continue;
    }
    if (
      regionRef.kind.toLocaleLowerCase('en-US') !==
      REGION_KIND.toLocaleLowerCase('en-US')
    ) {
      reject(`must refer to a Region, not a ${regionRef.kind}`);
      continue;
    }
    emitBothWays(emit, self, RELATION_DEPLOYED_IN, regionRef, RELATION_HOSTS);
  }
}
