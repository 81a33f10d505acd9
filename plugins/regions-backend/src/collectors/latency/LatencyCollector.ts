import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { topologyEdgesOf } from '@meridian/plugin-regions-common';
import { RegionAlerts } from '../../alerts/RegionAlerts';
import { DatabaseRegionsStore } from '../../database/DatabaseRegionsStore';
import {
  LinkLatencyStore,
  LinkMeasurement,
} from '../../database/LinkLatencyStore';
import { withMeasuredLatency } from './measuredLatency';
import { PrometheusLinkLatency } from './PrometheusLinkLatency';

export const LATENCY_COLLECTOR_TASK_ID = 'regions-latency-collector';

/** The topic of latency notifications, so users can mute or route them. */
export const LATENCY_NOTIFICATION_TOPIC = 'regions-latency';

/**
 * Reads link latency (from Prometheus when `regions.latency.prometheus` is
 * set), keeps the latest measurement of each link, and tells the owners of
 * both regions when a link goes over its `latencyTargetMs` or back under it,
 * once per change. Links measured by probes are told the same way after each
 * probe round ({@link LatencyCollector.checkTargets}).
 */
export class LatencyCollector {
  constructor(
    private readonly deps: {
      regions: DatabaseRegionsStore;
      store: LinkLatencyStore;
      alerts: RegionAlerts;
      logger: LoggerService;
      prometheus?: PrometheusLinkLatency;
      /** Measurements from other sources (the probes), read at each check. */
      otherMeasurements?: () => Promise<LinkMeasurement[]>;
    },
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    const { prometheus, store, logger } = this.deps;
    if (prometheus) {
      try {
        const { measurements, skipped } = await prometheus.read(signal);
        await store.replace('prometheus', measurements);
        if (skipped.length) {
          logger.warn(
            `Link latency: ${skipped.length} series skipped, e.g. ${skipped[0]}`,
          );
        }
      } catch (error) {
        // the old measurements go stale on their own; say why nothing is new
        logger.warn(`Could not read link latency: ${error}`);
      }
    }
    await this.checkTargets();
  }

  /** Every link with a target against its measurement; notifies the changes. */
  async checkTargets(now = Date.now()): Promise<void> {
    const { regions } = await this.deps.regions.getSnapshot();
    const measurements = [
      ...(await this.deps.store.list()),
      ...((await this.deps.otherMeasurements?.()) ?? []),
    ];
    const edges = withMeasuredLatency(
      regions.flatMap(topologyEdgesOf),
      measurements,
      now,
    );
    for (const edge of edges) {
      const latency = edge.latency;
      if (!latency || latency.measuredMs === null) {
        continue;
      }
      const names = `${parseEntityRef(edge.from).name} → ${
        parseEntityRef(edge.to).name
      }`;
      const measured = `${latency.measuredMs} ms (${latency.source}), target ${latency.targetMs} ms`;
      await this.deps.alerts.record({
        key: `latency:${edge.from}->${edge.to}`,
        state: latency.breached ? 'breach' : 'within',
        regions: [edge.from, edge.to],
        topic: LATENCY_NOTIFICATION_TOPIC,
        isNews: (state, previous) =>
          state === 'breach' || previous === 'breach',
        notice: () =>
          latency.breached
            ? {
                title: `Link ${names} is over its latency target`,
                description: measured,
                severity: 'high',
                tab: '',
              }
            : {
                title: `Link ${names} is within its latency target again`,
                description: measured,
                severity: 'normal',
                tab: '',
              },
      });
    }
  }
}
