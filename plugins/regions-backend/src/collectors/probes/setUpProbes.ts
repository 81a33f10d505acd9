import {
  DatabaseService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { RegionEntity } from '@meridian/plugin-regions-common';
import { RegionAlerts } from '../../alerts/RegionAlerts';
import { LinkMeasurement } from '../../database/LinkLatencyStore';
import { ProbeStore } from '../../database/ProbeStore';
import { createHealthRouter } from '../../service/healthRouter';
import { probeTickMs, readProbesConfig } from './config';
import { PROBE_COLLECTOR_TASK_ID, ProbeCollector } from './ProbeCollector';
import { RegionHealth } from './RegionHealth';

/**
 * Reads `regions.probes`, schedules the one global task that checks them
 * (ticking at the shortest interval), and answers what the plugin wires:
 * the region health service, the health route, whether probes measure
 * links (then the latency task runs even without Prometheus), and the link
 * latency they measure added to the stored one.
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
    /** Whether any probe is configured: the health-probes readiness check counts only then. */
    configured: probes.length > 0,
    router: createHealthRouter({ regions: deps.regions, health }),
    measuresLinks: probes.some(probe => probe.from !== undefined),
    /** The stored link measurements and the probes' ones, for the readers of link latency. */
    withProbeLinks: (stored: {
      list(): Promise<LinkMeasurement[]>;
    }): { list(): Promise<LinkMeasurement[]> } => ({
      list: async () => [
        ...(await stored.list()),
        ...(await health.linkMeasurements()),
      ],
    }),
  };
}
