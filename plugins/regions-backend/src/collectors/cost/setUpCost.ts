import {
  DatabaseService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CostSource } from '@meridian/plugin-regions-node';
import express from 'express';
import { CostStore } from '../../database/CostStore';
import { DatabaseRegionsStore } from '../../database/DatabaseRegionsStore';
import {
  COST_COLLECTOR_TASK_ID,
  CostCollector,
  readCostCollectorDepth,
  readCostCollectorSchedule,
} from './CostCollector';
import { createCostRouter, readCostSettings } from './costRouter';
import { OpenCostCostSource } from './OpenCostCostSource';

/**
 * Cost: the collector's task over the sources modules added and the built-in
 * OpenCost one (when `regions.opencost` is configured), and the cost routes.
 */
export async function setUpCost(deps: {
  config: Config;
  database: DatabaseService;
  scheduler: SchedulerService;
  regions: DatabaseRegionsStore;
  /** Added by modules, asked before OpenCost. */
  sources: CostSource[];
  logger: LoggerService;
}): Promise<express.Router> {
  const { config, database, scheduler, regions, sources, logger } = deps;
  const store = await CostStore.create({ database });
  const openCost = OpenCostCostSource.fromConfig(config, { logger });
  const collector = new CostCollector({
    regions,
    store,
    sources: [...sources, ...(openCost ? [openCost] : [])],
    logger,
    depth: readCostCollectorDepth(config),
  });
  await scheduler.scheduleTask({
    id: COST_COLLECTOR_TASK_ID,
    ...readCostCollectorSchedule(config),
    fn: signal => collector.run(signal),
  });
  return createCostRouter({
    regions,
    store,
    collector,
    ...readCostSettings(config),
  });
}
