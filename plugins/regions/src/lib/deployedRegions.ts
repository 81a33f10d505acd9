import { Entity } from '@backstage/catalog-model';
import { ANNOTATION_DEPLOYED_REGIONS } from '@meridian/plugin-regions-common';

/** The kinds that run in regions. */
const DEPLOYABLE_KINDS = ['component', 'system', 'resource'];

/**
 * Whether the entity says which regions it runs in (`meridian.dev/regions`),
 * so that its page shows the regions card; for a legacy `EntityPage.tsx`:
 * `<EntitySwitch.Case if={isDeployedInRegions}>`.
 *
 * @public
 */
export function isDeployedInRegions(entity: Entity): boolean {
  return (
    DEPLOYABLE_KINDS.includes(entity.kind.toLocaleLowerCase('en-US')) &&
    Boolean(entity.metadata.annotations?.[ANNOTATION_DEPLOYED_REGIONS]?.trim())
  );
}
