import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { RegionConflict, RegionEntity } from '@meridian/plugin-regions-common';
import { RegionConflictRule } from '@meridian/plugin-regions-node';
import { cidrOverlapRule } from './cidrOverlap';
import { hubCycleRule } from './hubCycle';
import { invalidReplicationSourceRule } from './invalidReplicationSource';
import { standbyResidencyRule } from './residency';
import { unresolvedRefRule } from './unresolvedRef';

/** The rules the regions backend always runs, in reporting order. */
export const builtInConflictRules: RegionConflictRule[] = [
  cidrOverlapRule,
  hubCycleRule,
  unresolvedRefRule,
  invalidReplicationSourceRule,
  standbyResidencyRule,
];

/**
 * Runs every rule over all regions and returns their conflicts in rule order.
 * A rule that throws is logged and skipped, so one faulty module cannot hide
 * the conflicts the others find.
 */
export async function detectConflicts(options: {
  regions: RegionEntity[];
  rules: RegionConflictRule[];
  logger: LoggerService;
}): Promise<RegionConflict[]> {
  const { regions, rules, logger } = options;
  const conflicts: RegionConflict[] = [];
  for (const rule of rules) {
    try {
      conflicts.push(...(await rule.detect(regions)));
    } catch (error) {
      logger.error(
        `Region conflict rule ${rule.id} failed and was skipped: ${
          toError(error).message
        }`,
      );
    }
  }
  return conflicts;
}
