import { ReplicationMode, ReplicationRole } from '../entity/RegionEntity';
import type { FailoverRunMode } from './failover';

/**
 * What a region's database node says it is, read from the node itself:
 * `primary` takes writes, `standby` is in recovery, `fenced` is a primary that
 * Meridian's fence holds (read-only, the application's roles locked out),
 * `unreachable` did not answer the collector, `unknown` is not observed (no
 * bound node, a source that cannot tell).
 * @public
 */
export const OBSERVED_ROLES = [
  'primary',
  'standby',
  'fenced',
  'unreachable',
  'unknown',
] as const;
/** @public */
export type ObservedRole = (typeof OBSERVED_ROLES)[number];

/**
 * A region whose node says something else than its entity declares (after a
 * failover, the entities still describe the old topology).
 * @public
 */
export interface RoleDrift {
  /** `spec.replication.role`, or null when it declares none. */
  declared: ReplicationRole | null;
  observed: ObservedRole;
  /** e.g. `declared warm-standby, primary since run 1a2b… (switchover) on 2026-12-06T21:04:00Z`. */
  message: string;
  /** The run, Meridian's or a detected one, that made the node what it is, when one did. */
  since?: { runId: string; mode: FailoverRunMode; at: string };
  /**
   * How to make the catalog say what the nodes say: the entity's
   * `spec.replication` as it should read, in YAML. `landed` when the region
   * was landed by the provisioning template, whose entity Meridian updates
   * itself (`POST /regions/:namespace/:name/drift/fix`); otherwise the change
   * is to be made where the entity is defined (git).
   */
  fix: { landed: boolean; yaml: string };
}

/**
 * `ok` while the worst replica's lag is under half the RPO, `warning` from half
 * the RPO, `breach` above it, `unknown` when there is no fresh sample.
 * @public
 */
export type ReplicationStatus = 'ok' | 'warning' | 'breach' | 'unknown';

/** One replica as its primary sees it (a row of `pg_stat_replication`). @public */
export interface ReplicaState {
  /** `application_name` of the standby, or the Prometheus label that names it. */
  name: string;
  /** `streaming`, `catchup`, `backup`, `startup`, or `stopped` when it is gone. */
  state: string;
  /** `async`, `sync`, `potential` or `quorum`, when known. */
  syncState?: string;
  /** Bytes of WAL the replica has not replayed yet; null when unknown. */
  lagBytes: number | null;
  /** Seconds behind; 0 for a caught-up replica of an idle primary; null when unknown. */
  lagSeconds: number | null;
  /** ISO time of the sample. */
  sampledAt: string;
}

/** A standby seen from its own side (`pg_stat_wal_receiver`, replay functions). @public */
export interface StandbyState {
  /** `streaming`, `stopping`, `waiting`... or `disconnected` with no WAL receiver. */
  receiverStatus: string;
  receiveLsn: string | null;
  replayLsn: string | null;
  /** Received but not yet replayed WAL, in bytes. */
  replayBacklogBytes: number | null;
  /** Seconds since the last transaction was replayed; grows on an idle primary. */
  lastReplayAgeSeconds: number | null;
  /** True when nothing is waiting to replay: a growing replay age is then idleness, not lag. */
  caughtUp: boolean;
  /** Host and port the standby streams from, when it streams (no credentials). */
  upstream?: string;
  /** The region whose bound node it really streams from, when Meridian knows that node. */
  upstreamRegion?: string;
}

/** A point of the lag history; the worst replica at that time (max over the bucket when downsampled). @public */
export interface ReplicationHistoryPoint {
  /** ISO time of the sample or of the bucket's start. */
  t: string;
  lagBytes: number | null;
  lagSeconds: number | null;
}

/** History windows the replication route accepts. @public */
export const REPLICATION_WINDOWS = ['1h', '24h', '7d', '30d'] as const;
/** @public */
export type ReplicationWindow = (typeof REPLICATION_WINDOWS)[number];

/** Answer of `GET /api/regions/regions/:namespace/:name/replication`. @public */
export interface ReplicationResponse {
  region: string;
  role?: ReplicationRole;
  mode?: ReplicationMode;
  rpoSeconds?: number;
  status: ReplicationStatus;
  /** Why the status is what it is, in a sentence (the source's error when `unknown`). */
  reason: string;
  /** True when some replication source observes the region, sampled or not yet. */
  observed: boolean;
  /** The source that sampled the region (`postgres`, `prometheus`), when one did. */
  source?: string;
  /** The `regions.databases` node observed, by name (never its connection string). */
  database?: string;
  /** What the node says it is, which may differ from `role`. */
  observedRole: ObservedRole;
  /** Present when the observed role contradicts the declared one. */
  drift?: RoleDrift;
  /** When the latest sample was taken; null when there is none. */
  sampledAt: string | null;
  /** One row per replica, for a primary. */
  replicas: ReplicaState[];
  /** The region's own standby view, for a standby. */
  standby?: StandbyState;
  window: ReplicationWindow;
  /** At most 500 points, oldest first. */
  history: ReplicationHistoryPoint[];
}

/**
 * The status of a lag against an RPO. With no RPO declared a lag is `ok`
 * unless it is unknown.
 * @public
 */
export function replicationStatusOf(
  lagSeconds: number | null | undefined,
  rpoSeconds: number | undefined,
): ReplicationStatus {
  if (lagSeconds === null || lagSeconds === undefined) {
    return 'unknown';
  }
  if (rpoSeconds === undefined) {
    return 'ok';
  }
  if (lagSeconds > rpoSeconds) {
    return 'breach';
  }
  return lagSeconds >= rpoSeconds / 2 ? 'warning' : 'ok';
}
