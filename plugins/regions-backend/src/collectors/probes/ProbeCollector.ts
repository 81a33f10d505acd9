import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { RegionAlerts } from '../../alerts/RegionAlerts';
import { ProbeCheck, ProbeState, ProbeStore } from '../../database/ProbeStore';
import { inParallel } from '../inParallel';
import { checkProbe } from './checkProbe';
import { ProbeDefinition, probeTickMs } from './config';
import { nextProbeState } from './status';

export const PROBE_COLLECTOR_TASK_ID = 'regions-probe-collector';

/** The topic of probe notifications, so users can mute or route them. */
export const HEALTH_NOTIFICATION_TOPIC = 'regions-health';

/** Checks in flight at once: 1,000 loopback probes take well under 5 s. */
export const DEFAULT_PROBE_CONCURRENCY = 100;

const PRUNE_EVERY_MS = 5 * 60_000;

/**
 * Checks every probe that is due (its interval elapsed since its last check,
 * as stored, so any backend instance may run the round), with bounded
 * concurrency; records the checks and states, and tells the owners of the
 * region when a probe goes down or comes back up, once per change.
 */
export class ProbeCollector {
  private lastPruneAt = 0;

  constructor(
    private readonly deps: {
      probes: ProbeDefinition[];
      store: ProbeStore;
      alerts: RegionAlerts;
      logger: LoggerService;
      concurrency?: number;
    },
  ) {}

  /** One round; answers the checks it made. */
  async run(signal?: AbortSignal): Promise<ProbeCheck[]> {
    const { probes, store } = this.deps;
    const states = await store.getStates();
    // half a tick early is on time: the scheduler's ticks drift by a little
    const slackMs = probeTickMs(probes) / 2;
    const now = Date.now();
    const due = probes.filter(probe => {
      const last = states.get(probe.name)?.checkedAt.getTime();
      return last === undefined || now - last >= probe.intervalMs - slackMs;
    });
    if (due.length === 0) {
      return [];
    }
    const checks = await inParallel(
      due,
      this.deps.concurrency ?? DEFAULT_PROBE_CONCURRENCY,
      probe => checkProbe(probe, signal),
    );
    if (signal?.aborted) {
      return [];
    }
    const next = due.map((probe, i) =>
      nextProbeState(probe, states.get(probe.name), checks[i]),
    );
    await store.writeRound(checks, next);
    for (const [i, probe] of due.entries()) {
      await this.notify(probe, states.get(probe.name), next[i]);
    }
    const tookMs = Date.now() - now;
    if (tookMs > probeTickMs(probes)) {
      this.deps.logger.warn(
        `Probe round of ${
          due.length
        } checks took ${tookMs} ms, longer than the ${probeTickMs(
          probes,
        )} ms tick; raise the probes' interval or lower their timeoutMs`,
      );
    }
    if (now - this.lastPruneAt >= PRUNE_EVERY_MS) {
      this.lastPruneAt = now;
      await store.prune();
    }
    return checks;
  }

  // Only a probe that went down or stopped being down is news; the alert
  // state makes it once across backend instances.
  private async notify(
    probe: ProbeDefinition,
    previous: ProbeState | undefined,
    next: ProbeState,
  ) {
    const wasDown = previous?.status === 'down';
    const isDown = next.status === 'down';
    if (wasDown === isDown) {
      return;
    }
    const region = parseEntityRef(probe.region).name;
    await this.deps.alerts.record({
      key: `probe:${probe.name}`,
      state: isDown ? 'down' : 'up',
      regions: [probe.region],
      topic: HEALTH_NOTIFICATION_TOPIC,
      isNews: (state, before) => state === 'down' || before === 'down',
      notice: () =>
        isDown
          ? {
              title: `Probe ${probe.name} of ${region} is down`,
              description: `${probe.target}: ${next.consecutiveFailures} failed checks in a row: ${next.lastError}`,
              severity: 'critical',
              tab: '',
            }
          : {
              title: `Probe ${probe.name} of ${region} is up again`,
              description: `${probe.target} answered in ${next.latencyMs} ms`,
              severity: 'normal',
              tab: '',
            },
    });
  }
}
