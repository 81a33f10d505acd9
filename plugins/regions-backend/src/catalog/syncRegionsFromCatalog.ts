import {
  AuthService,
  LoggerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { toError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_RESIDENCY,
  DEPLOYABLE_KINDS,
  REGION_KIND,
  RegionEntity,
  validateRegionEntity,
} from '@meridian/plugin-regions-common';
import { RegionConflictRule } from '@meridian/plugin-regions-node';
import { deployedResidencyConflicts, detectConflicts } from '../conflicts';
import {
  compareRefs,
  DatabaseRegionsStore,
} from '../database/DatabaseRegionsStore';
import { readGlobalSchedule } from '../lib/globalSchedule';

/** The scheduler task id of the catalog sync. */
export const CATALOG_SYNC_TASK_ID = 'regions-catalog-sync';

const SCHEDULE_CONFIG_KEY = 'regions.collectors.catalog';

// Short enough that a fresh dev backend shows its regions within seconds.
const DEFAULT_SCHEDULE = {
  frequency: { seconds: 15 },
  timeout: { minutes: 1 },
  initialDelay: { seconds: 3 },
};

/**
 * Reads the catalog sync schedule from `regions.collectors.catalog`, filling
 * in defaults for what is not set. Always global in scope, so that only one
 * of several backend instances syncs at a time.
 */
export function readCatalogSyncSchedule(
  config: Config,
): SchedulerServiceTaskScheduleDefinition {
  return readGlobalSchedule(config, SCHEDULE_CONFIG_KEY, DEFAULT_SCHEDULE);
}

/**
 * Reads every Region entity from the catalog, leaves out the invalid ones,
 * detects conflicts across the rest (and the residency conflicts of what is
 * deployed in them) and replaces the stored snapshot with the result. When
 * the catalog cannot be read the previous snapshot stays.
 */
export async function syncRegionsFromCatalog(options: {
  catalog: CatalogService;
  auth: AuthService;
  store: DatabaseRegionsStore;
  rules: RegionConflictRule[];
  logger: LoggerService;
}): Promise<void> {
  const { catalog, auth, store, rules, logger } = options;
  const syncedAt = new Date();

  let entities: Entity[];
  let deployed: Entity[];
  try {
    const credentials = await auth.getOwnServiceCredentials();
    const { items } = await catalog.getEntities(
      { filter: { kind: REGION_KIND } },
      { credentials },
    );
    entities = items;
    // Only the Components, Resources and Systems that name a residency, and
    // only what residency needs of them: the catalog filters, so a sync does
    // not read 100,000 components to find a few dozen.
    deployed = (
      await catalog.getEntities(
        {
          filter: {
            kind: [...DEPLOYABLE_KINDS],
            [`metadata.annotations.${ANNOTATION_RESIDENCY}`]:
              CATALOG_FILTER_EXISTS,
          },
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'metadata.annotations',
          ],
        },
        { credentials },
      )
    ).items;
  } catch (error) {
    logger.error(
      `Could not read regions from the catalog, keeping the previous snapshot: ${
        toError(error).message
      }`,
    );
    return;
  }

  const regions: RegionEntity[] = [];
  for (const entity of entities) {
    const problems = validateRegionEntity(entity);
    if (problems.length > 0) {
      logger.warn(
        `Skipped ${stringifyEntityRef(entity)}: ${problems
          .map(p => p.message)
          .join('; ')}`,
      );
    } else {
      regions.push(entity as RegionEntity);
    }
  }

  // A stable order makes the conflicts (and their messages) stable between syncs.
  regions.sort((a, b) =>
    compareRefs(stringifyEntityRef(a), stringifyEntityRef(b)),
  );
  const conflicts = [
    ...(await detectConflicts({ regions, rules, logger })),
    ...deployedResidencyConflicts(regions, deployed),
  ];
  await store.replaceSnapshot({ regions, conflicts, syncedAt });
  logger.debug(
    `Synced ${regions.length} regions from the catalog (${
      entities.length - regions.length
    } skipped), ${conflicts.length} conflicts`,
  );
}
