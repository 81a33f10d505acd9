import { mockServices } from '@backstage/backend-test-utils';
import { RegionEntity } from '@meridian/plugin-regions-common';
import { ReplicationSource } from '@meridian/plugin-regions-node';
import { Knex } from 'knex';
import { DatabaseRegionsStore } from '../database/DatabaseRegionsStore';
import { ReplicationStore } from '../database/ReplicationStore';
import { ReplicationCollector } from '../collectors/replication/ReplicationCollector';

/**
 * A replication collector over `regions` on the test database `knex`, its
 * store treating samples as stale after 30 s, logging to a mock logger.
 */
export async function startTestCollector(
  knex: Knex,
  options: {
    regions: RegionEntity[];
    sources: ReplicationSource[];
    sampleTimeoutMs?: number;
    concurrency?: number;
  },
) {
  const database = mockServices.database({ knex });
  const regionsStore = await DatabaseRegionsStore.create({ database });
  await regionsStore.replaceSnapshot({
    regions: options.regions,
    conflicts: [],
    syncedAt: new Date(),
  });
  const store = await ReplicationStore.create({
    database,
    staleAfterMs: 30_000,
  });
  const logger = mockServices.logger.mock();
  const collector = new ReplicationCollector({
    regions: regionsStore,
    store,
    sources: options.sources,
    logger,
    sampleTimeoutMs: options.sampleTimeoutMs,
    concurrency: options.concurrency,
  });
  return { collector, store, logger };
}
