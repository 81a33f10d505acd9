import {
  DatabaseService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { RegionEntity } from '@meridian/plugin-regions-common';
import { RegionAlerts } from '../../alerts/RegionAlerts';
import { ProbeStore } from '../../database/ProbeStore';
import { createHealthRouter } from '../../service/healthRouter';
import { probeTickMs, readProbesConfig } from './config';
import { PROBE_COLLECTOR_TASK_ID, ProbeCollector } from './ProbeCollector';
import { RegionHealth } from './RegionHealth';

/**
 * Reads `regions.probes`, schedules the one global task that checks them
 * (ticking at the shortest interval), and answers what the plugin wires:
 * the region health service, the health route, and whether probes measure
 * links (then the latency task runs even without Prometheus).
 */
export async function setUpProbes(deps: {
  config: Config;
  database: DatabaseService;
  scheduler: SchedulerService;
  alerts: RegionAlerts;
  regions: {
    getRegion(ref: string): Promise<{ region: RegionEntity } | undefined>;
  };
  logger: LoggerService;
}) {
  const probes = readProbesConfig(deps.config);
  const store = await ProbeStore.create({ database: deps.database });
  const health = new RegionHealth({ probes, store });
  if (probes.length > 0) {
    const collector = new ProbeCollector({
      probes,
      store,
      alerts: deps.alerts,
      logger: deps.logger,
    });
    await deps.scheduler.scheduleTask({
      id: PROBE_COLLECTOR_TASK_ID,
      frequency: { milliseconds: probeTickMs(probes) },
      timeout: { minutes: 1 },
      initialDelay: { seconds: 5 },
      scope: 'global',
      fn: async signal => {
        await collector.run(signal);
      },
    });
  }
  return {
    health,
    router: createHealthRouter({ regions: deps.regions, health }),
    measuresLinks: probes.some(probe => probe.from !== undefined),
  };
}
