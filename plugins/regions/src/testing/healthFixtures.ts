import {
  HealthResponse,
  HealthSeriesPoint,
  PlanResponse,
  ReplicationWindow,
} from '@meridian/plugin-regions-common';
import { passingPreflight } from './failoverFixtures';

export const healthCheckedAt = '2026-09-20T12:00:00.000Z';

function series(latencies: (number | null)[]): HealthSeriesPoint[] {
  const start = Date.parse(healthCheckedAt) - latencies.length * 3_600_000;
  return latencies.map((latencyMs, index) => ({
    t: new Date(start + index * 3_600_000).toISOString(),
    latencyMs,
    maxLatencyMs: latencyMs === null ? null : latencyMs + 20,
    checks: 720,
    failures: latencyMs === null ? 720 : 0,
  }));
}

/**
 * studio-sul's health while its API answers slowly and its database port
 * refuses connections: degraded, one probe down.
 */
export function degradedHealth(
  window: ReplicationWindow = '24h',
): HealthResponse {
  return {
    region: 'region:default/studio-sul',
    status: 'degraded',
    reason: '1 of 2 probes down: sul-db (connection refused)',
    window,
    probes: [
      {
        name: 'sul-api',
        kind: 'http',
        target: 'https://api.sul.example/healthz',
        status: 'degraded',
        reason: 'answered in 340 ms, over its 200 ms threshold',
        consecutiveFailures: 0,
        failuresToDown: 3,
        latencyMs: 340,
        latencyThresholdMs: 200,
        errorRate: 0.004,
        lastError: null,
        checkedAt: healthCheckedAt,
        since: '2026-09-20T11:40:00.000Z',
      },
      {
        name: 'sul-db',
        kind: 'tcp',
        target: 'tcp://10.16.0.5:5432',
        status: 'down',
        reason: '4 failed checks in a row (down at 3): connection refused',
        consecutiveFailures: 4,
        failuresToDown: 3,
        latencyMs: null,
        latencyThresholdMs: 200,
        errorRate: 0.25,
        lastError: 'connection refused',
        checkedAt: healthCheckedAt,
        since: '2026-09-20T11:59:40.000Z',
      },
    ],
    series: [
      { probe: 'sul-api', points: series([120, 130, 180, 340]) },
      { probe: 'sul-db', points: series([2, 3, 2, null]) },
    ],
  };
}

/** A region with no `regions.probes` naming it. */
export function unprobedHealth(): HealthResponse {
  return {
    region: 'region:default/studio-pelotas',
    status: 'unknown',
    reason: 'no probe is configured for this region',
    window: '24h',
    probes: [],
    series: [],
  };
}

/** studio-primary's plan to studio-sul failing its lag check, with the automatic policy in dry run. */
export function failingPlan(): PlanResponse {
  const checks = passingPreflight().map(check =>
    check.id === 'lag'
      ? { ...check, passed: false, detail: 'lag 4.2 MiB > limit 1 MiB' }
      : check,
  );
  return {
    region: 'region:default/studio-primary',
    validatedAt: '2026-09-20T11:45:00.000Z',
    ok: false,
    checks,
    plans: [
      {
        region: 'region:default/studio-primary',
        target: 'region:default/studio-sul',
        validatedAt: '2026-09-20T11:45:00.000Z',
        ok: false,
        checks,
        since: '2026-09-20T10:15:00.000Z',
      },
    ],
    automatic: {
      enabled: true,
      dryRun: true,
      decisions: [
        {
          region: 'region:default/studio-primary',
          target: 'region:default/studio-sul',
          at: '2026-09-20T11:50:00.000Z',
          action: 'would-start',
          reason:
            'would have failed over at 2026-09-20T11:50:00.000Z, because studio-api was down for 3 checks and studio-primary-db does not answer',
          runId: null,
        },
        {
          region: 'region:default/studio-primary',
          target: null,
          at: '2026-09-20T09:10:00.000Z',
          action: 'held',
          reason: 'held: studio-primary-db still answers',
          runId: null,
        },
      ],
    },
  };
}

/** A region whose plans have not been validated yet, with no automatic policy. */
export function unvalidatedPlan(): PlanResponse {
  return {
    region: 'region:default/studio-pelotas',
    validatedAt: null,
    ok: null,
    checks: [],
    plans: [],
    automatic: { enabled: false, dryRun: false, decisions: [] },
  };
}
