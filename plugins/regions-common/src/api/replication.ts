import { ReplicationMode, ReplicationRole } from '../entity/RegionEntity';

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
