import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { RegionConflictRule } from './types';

/**
 * Lets backend modules add conflict rules to the regions backend.
 *
 * @public
 */
export interface RegionsConflictRulesExtensionPoint {
  /**
   * Adds rules that run next to the built-in ones (`cidr-overlap`,
   * `hub-cycle`, `unresolved-ref`, `invalid-replication-source`). Throws when
   * a rule's id is already taken.
   */
  addConflictRule(...rules: RegionConflictRule[]): void;
}

/**
 * Extension point of the `regions` backend plugin for adding
 * {@link RegionConflictRule}s.
 *
 * @public
 */
export const regionsConflictRulesExtensionPoint =
  createExtensionPoint<RegionsConflictRulesExtensionPoint>({
    id: 'regions.conflict-rules',
  });
