import { HealthStatus, ProbeHealth } from '@meridian/plugin-regions-common';
import { ProbeCheck, ProbeState } from '../../database/ProbeStore';
import { ProbeDefinition } from './config';

/**
 * A probe's state after a check: `down` after `failuresToDown` failed checks
 * in a row, `degraded` while failing fewer or answering over its latency
 * threshold, else `up`; `since` moves only when the status changes.
 */
export function nextProbeState(
  probe: ProbeDefinition,
  previous: ProbeState | undefined,
  check: ProbeCheck,
): ProbeState {
  const consecutiveFailures = check.ok
    ? 0
    : (previous?.consecutiveFailures ?? 0) + 1;
  let status: ProbeState['status'];
  if (!check.ok) {
    status = consecutiveFailures >= probe.failuresToDown ? 'down' : 'degraded';
  } else {
    status = check.latencyMs! > probe.latencyThresholdMs ? 'degraded' : 'up';
  }
  return {
    probe: probe.name,
    status,
    consecutiveFailures,
    latencyMs: check.ok ? check.latencyMs : null,
    lastError: check.error,
    checkedAt: check.checkedAt,
    since:
      previous && previous.status === status ? previous.since : check.checkedAt,
  };
}

/**
 * The age from which a probe's latest check no longer says how it is now
 * (the collector stopped): three intervals and a timeout.
 */
export function staleAfterMs(probe: ProbeDefinition): number {
  return 3 * probe.intervalMs + probe.timeoutMs;
}

/** A probe's health as users see it, staleness applied. */
export function probeHealth(
  probe: ProbeDefinition,
  state: ProbeState | undefined,
  errorRate: number | null,
  now: Date,
): ProbeHealth {
  const base = {
    name: probe.name,
    kind: probe.kind,
    target: probe.target,
    failuresToDown: probe.failuresToDown,
    latencyThresholdMs: probe.latencyThresholdMs,
    errorRate,
    ...(probe.from ? { from: probe.from } : {}),
  };
  if (!state) {
    return {
      ...base,
      status: 'unknown',
      reason: 'not checked yet',
      consecutiveFailures: 0,
      latencyMs: null,
      lastError: null,
      checkedAt: null,
      since: null,
    };
  }
  const stale = now.getTime() - state.checkedAt.getTime() > staleAfterMs(probe);
  return {
    ...base,
    status: stale ? 'unknown' : state.status,
    reason: stale
      ? `no check since ${state.checkedAt.toISOString()}`
      : reasonOf(probe, state),
    consecutiveFailures: state.consecutiveFailures,
    latencyMs: state.latencyMs,
    lastError: state.lastError,
    checkedAt: state.checkedAt.toISOString(),
    since: state.since.toISOString(),
  };
}

function reasonOf(probe: ProbeDefinition, state: ProbeState): string {
  const failures = state.consecutiveFailures;
  if (failures > 0) {
    return `${failures} failed check${
      failures === 1 ? '' : 's'
    } in a row (down at ${probe.failuresToDown}): ${state.lastError}`;
  }
  return state.latencyMs! > probe.latencyThresholdMs
    ? `answered in ${state.latencyMs} ms, over its ${probe.latencyThresholdMs} ms threshold`
    : `answered in ${state.latencyMs} ms`;
}

/**
 * A region's health from its probes': `down` when all are down, `degraded`
 * when some are down or degraded, `up` when every checked one is up,
 * `unknown` without probes or checks.
 */
export function regionHealthOf(probes: ProbeHealth[]): {
  status: HealthStatus;
  reason: string;
} {
  const total = probes.length;
  if (total === 0) {
    return {
      status: 'unknown',
      reason: 'no probe checks this region (configure regions.probes)',
    };
  }
  const list = (some: ProbeHealth[]) =>
    some
      .map(p => `${p.name} (${p.status === 'down' ? p.lastError : p.reason})`)
      .join(', ');
  const down = probes.filter(p => p.status === 'down');
  if (down.length > 0) {
    return {
      status: down.length === total ? 'down' : 'degraded',
      reason: `${down.length} of ${total} probes down: ${list(down)}`,
    };
  }
  const degraded = probes.filter(p => p.status === 'degraded');
  if (degraded.length > 0) {
    return {
      status: 'degraded',
      reason: `${degraded.length} of ${total} probes degraded: ${list(
        degraded,
      )}`,
    };
  }
  const up = probes.filter(p => p.status === 'up');
  if (up.length === 0) {
    return {
      status: 'unknown',
      reason: `no probe has checked lately: ${list(probes)}`,
    };
  }
  return {
    status: 'up',
    reason: `${up.length} of ${total} probes up${
      up.length < total ? `; ${total - up.length} not checked lately` : ''
    }`,
  };
}
