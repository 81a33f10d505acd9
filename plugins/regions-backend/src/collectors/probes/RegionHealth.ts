import {
  HealthResponse,
  HealthStatus,
  ProbeHealth,
  ReplicationWindow,
} from '@meridian/plugin-regions-common';
import { LinkMeasurement } from '../../database/LinkLatencyStore';
import { ProbeStore } from '../../database/ProbeStore';
import { ProbeDefinition } from './config';
import { probeHealth, regionHealthOf } from './status';

/** Latency is the mean of the successful checks of the last 5 minutes. */
const RECENT_LATENCY_MS = 5 * 60_000;

/** A region's user latency as its probes without `from` measure it. */
export type UserLatencyMeasurement = Pick<
  LinkMeasurement,
  'measuredMs' | 'measuredAt' | 'source'
>;

/**
 * The health of regions as their configured probes see it: what the health
 * route answers, what the automatic failover policy asks
 * ({@link RegionHealth.regionProbes}), and the latency the probes measure.
 *
 * @public
 */
export class RegionHealth {
  constructor(
    private readonly deps: { probes: ProbeDefinition[]; store: ProbeStore },
  ) {}

  /** The current state of the region's probes, error rate over the last hour. */
  async regionProbes(
    regionRef: string,
    now = new Date(),
  ): Promise<ProbeHealth[]> {
    const { probes } = await this.evaluate(regionRef, '1h', now);
    return probes;
  }

  /** The answer of `GET /regions/:namespace/:name/health`. */
  async regionHealth(
    regionRef: string,
    window: ReplicationWindow,
    now = new Date(),
  ): Promise<HealthResponse> {
    const { probes, series } = await this.evaluate(regionRef, window, now);
    return {
      region: regionRef,
      ...regionHealthOf(probes),
      window,
      probes,
      series: probes.map(probe => ({
        probe: probe.name,
        points: series.get(probe.name) ?? [],
      })),
    };
  }

  /** The health of every region with probes, by ref (no error rates). */
  async summaries(
    now = new Date(),
  ): Promise<Map<string, { status: HealthStatus; reason: string }>> {
    const states = await this.deps.store.getStates();
    const byRegion = new Map<string, ProbeHealth[]>();
    for (const probe of this.deps.probes) {
      const list = byRegion.get(probe.region) ?? [];
      list.push(probeHealth(probe, states.get(probe.name), null, now));
      byRegion.set(probe.region, list);
    }
    return new Map(
      [...byRegion].map(([ref, probes]) => [ref, regionHealthOf(probes)]),
    );
  }

  /** Link latency measured by the probes with `from`: from → probed region. */
  async linkMeasurements(now = new Date()): Promise<LinkMeasurement[]> {
    const measured = await this.recentLatency(
      this.deps.probes.filter(probe => probe.from),
      probe => `${probe.from}\n${probe.region}`,
      now,
    );
    return [...measured].map(([link, measurement]) => {
      const [from, to] = link.split('\n');
      return { from, to, ...measurement };
    });
  }

  /** Each region's user latency, measured by its probes without `from`. */
  async userLatency(
    now = new Date(),
  ): Promise<Map<string, UserLatencyMeasurement>> {
    return this.recentLatency(
      this.deps.probes.filter(probe => !probe.from),
      probe => probe.region,
      now,
    );
  }

  // The mean of the probes' recent latency per key, at the latest check.
  private async recentLatency(
    probes: ProbeDefinition[],
    keyOf: (probe: ProbeDefinition) => string,
    now: Date,
  ): Promise<Map<string, UserLatencyMeasurement>> {
    if (probes.length === 0) {
      return new Map();
    }
    const recent = await this.deps.store.getRecentLatency(
      probes.map(probe => probe.name),
      new Date(now.getTime() - RECENT_LATENCY_MS),
    );
    const grouped = new Map<string, { sum: number; n: number; at: Date }>();
    for (const probe of probes) {
      const latency = recent.get(probe.name);
      if (!latency) {
        continue;
      }
      const key = keyOf(probe);
      const group = grouped.get(key) ?? { sum: 0, n: 0, at: latency.at };
      group.sum += latency.meanMs;
      group.n += 1;
      group.at = group.at > latency.at ? group.at : latency.at;
      grouped.set(key, group);
    }
    return new Map(
      [...grouped].map(([key, group]) => [
        key,
        {
          source: 'probes' as const,
          measuredMs: group.sum / group.n,
          measuredAt: group.at,
        },
      ]),
    );
  }

  private async evaluate(
    regionRef: string,
    window: ReplicationWindow,
    now: Date,
  ) {
    const probes = this.deps.probes.filter(p => p.region === regionRef);
    const names = probes.map(probe => probe.name);
    if (names.length === 0) {
      return { probes: [], series: new Map() };
    }
    const [states, series] = await Promise.all([
      this.deps.store.getStates(names),
      this.deps.store.getSeries(names, window, now),
    ]);
    return {
      probes: probes.map(probe => {
        const points = series.get(probe.name) ?? [];
        const checks = points.reduce((n, p) => n + p.checks, 0);
        const failures = points.reduce((n, p) => n + p.failures, 0);
        return probeHealth(
          probe,
          states.get(probe.name),
          checks ? failures / checks : null,
          now,
        );
      }),
      series,
    };
  }
}
