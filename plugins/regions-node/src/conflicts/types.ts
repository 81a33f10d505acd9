import { RegionConflict, RegionEntity } from '@meridian/plugin-regions-common';

/**
 * A check across all regions that finds problems no single Region entity
 * shows on its own, such as two regions claiming the same network block.
 *
 * @remarks
 *
 * The regions backend runs every rule after each catalog sync, over the valid
 * Region entities it read (entities that fail validation are left out). A rule
 * that throws is logged and skipped; the other rules still run.
 *
 * @public
 */
export interface RegionConflictRule {
  /**
   * A unique, stable id for the rule, e.g. `residency-mismatch`. Used in logs
   * and to refuse two rules with the same id.
   */
  id: string;
  /**
   * Returns every conflict found among the given regions; an empty list when
   * there is none. Each conflict names all regions involved by their canonical
   * refs (`region:namespace/name`) and the field that causes it.
   */
  detect(regions: RegionEntity[]): RegionConflict[] | Promise<RegionConflict[]>;
}
