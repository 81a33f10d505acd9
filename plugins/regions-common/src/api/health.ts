import type { ReplicationWindow } from './replication';

/**
 * A region's or a probe's health: `up` answers within its latency threshold;
 * `degraded` answers slowly, fails some checks (fewer in a row than
 * `failuresToDown`) or, for a region, has some probes down; `down` failed
 * `failuresToDown` checks in a row (a region: all its probes); `unknown` has
 * no probe or no check yet.
 * @public
 */
export const HEALTH_STATUSES = ['up', 'degraded', 'down', 'unknown'] as const;
/** @public */
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/** One configured probe (`regions.probes.<name>`) of a region, as it stands. @public */
export interface ProbeHealth {
  /** The key under `regions.probes`. */
  name: string;
  /** `http` (`http://`, `https://`) or `tcp` (`tcp://host:port`). */
  kind: 'http' | 'tcp';
  /** What it probes, without credentials, e.g. `https://api.us-east.example/healthz`. */
  target: string;
  status: HealthStatus;
  /** Why, e.g. `3 failed checks in a row (down at 3): connection refused`. */
  reason: string;
  /** Failed checks in a row, 0 after a success. */
  consecutiveFailures: number;
  failuresToDown: number;
  /** The last successful check's latency; null when it failed or none ran. */
  latencyMs: number | null;
  latencyThresholdMs: number;
  /** Failed checks / checks over the answer's window, 0–1; null without checks. */
  errorRate: number | null;
  /** The last failure's reason, while failing. */
  lastError: string | null;
  /** ISO time of the last check. */
  checkedAt: string | null;
  /** ISO time its status last changed. */
  since: string | null;
  /** For a probe run from a region's network (`from`): the region it measures a link from. */
  from?: string;
}

/** A probe's series over the window: each point the bucket's checks. @public */
export interface HealthSeriesPoint {
  /** ISO start of the bucket. */
  t: string;
  /** Mean latency of the successful checks; null when all failed. */
  latencyMs: number | null;
  /** Highest latency of a successful check. */
  maxLatencyMs: number | null;
  checks: number;
  failures: number;
}

/** Answer of `GET /api/regions/regions/:namespace/:name/health?window=24h`. @public */
export interface HealthResponse {
  region: string;
  status: HealthStatus;
  /** e.g. `1 of 2 probes down: us-east-api (connection refused)`. */
  reason: string;
  window: ReplicationWindow;
  probes: ProbeHealth[];
  series: { probe: string; points: HealthSeriesPoint[] }[];
}
