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
   * is to be made where the entity is defined (git): by a pull request the
   * same route opens when `pullRequest`, the entity's file being in a GitHub
   * repository the backend has credentials for.
   */
  fix: { landed: boolean; pullRequest?: boolean; yaml: string };
}

/**
 * `ok` while the worst replica's lag is under half the RPO, `warning` from half
 * the RPO, `breach` above it, `unknown` when there is no fresh sample.
 * @public
 */
export type ReplicationStatus = 'ok' | 'warning' | 'breach' | 'unknown';

/**
 * How a replica receives a primary's changes: `physical` streams its WAL (a
 * standby), `logical` decodes it through a logical slot (a subscription, or a
 * change-data-capture consumer such as Debezium).
 * @public
 */
export type ReplicaKind = 'physical' | 'logical';

/**
 * A slot's `wal_status` (`pg_replication_slots`): `reserved` and `extended`
 * keep every WAL file the replica needs; `unreserved` is past
 * `max_slot_wal_keep_size` and loses them at the next checkpoint; `lost` has
 * lost them (the replica must be rebuilt). The last two are a breach.
 * @public
 */
export const BREACHING_WAL_STATUSES = ['unreserved', 'lost'] as const;

/**
 * One replica as its primary sees it (a row of `pg_stat_replication`, or an
 * unused replication slot).
 * @public
 */
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
  /** Absent when the source cannot tell (Prometheus). */
  kind?: ReplicaKind;
  /** Its replication slot, when it has one. */
  slot?: string;
  /** The slot's `wal_status`; see {@link BREACHING_WAL_STATUSES}. */
  walStatus?: string;
  /**
   * False for a logical slot through which no region replicates (a CDC
   * consumer): shown, but not counted in the region's status. Counted when absent.
   */
  counted?: boolean;
  /** The region that replicates through it, when Meridian knows which. */
  region?: string;
  /** ISO time of the sample. */
  sampledAt: string;
}

/**
 * One logical subscription of the node, as the subscriber sees it
 * (`pg_subscription`, `pg_stat_subscription`, `pg_subscription_rel`).
 * @public
 */
export interface SubscriptionState {
  name: string;
  /**
   * `streaming` (its apply worker runs), `syncing` (tables in their initial
   * copy), `stopped` (enabled, but no worker runs: e.g. its slot is lost),
   * `disabled`.
   */
  state: string;
  /** The slot it reads on the publisher. */
  slot: string | null;
  publications: string[];
  /** Latest WAL position received from the publisher. */
  receivedLsn: string | null;
  /** Latest position reported back to the publisher as written (`latest_end_lsn`). */
  appliedLsn: string | null;
  /** When the publisher last heard of that position (`latest_end_time`). */
  appliedAt: string | null;
  /** Tables of its publications, and how many have finished their initial sync. */
  tables: { ready: number; total: number };
  /**
   * Bytes of the publisher's WAL not yet applied: the publisher's current
   * position (read on the publisher's node) minus `appliedLsn`; null when
   * the publisher's node is not observed.
   */
  lagBytes: number | null;
  /** 0 when caught up; otherwise seconds since `appliedAt`; null when unknown. */
  lagSeconds: number | null;
  /** The region it subscribes to, when Meridian knows which. */
  publisherRegion?: string;
}

/**
 * One direction of an `active` region's replication: its changes going to a
 * peer (`outgoing`, a replica or slot on this node) or a peer's coming in
 * (`incoming`, a subscription of this node).
 * @public
 */
export interface ReplicationDirection {
  direction: 'outgoing' | 'incoming';
  /** The other region, when Meridian knows which. */
  peer?: string;
  /** The replica, slot or subscription that carries it. */
  via: string;
  kind: ReplicaKind;
  state: string;
  lagBytes: number | null;
  lagSeconds: number | null;
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
  /** The node's logical subscriptions (a `mode: logical` standby, an `active` region). */
  subscriptions: SubscriptionState[];
  /** For an `active` region: each direction, outgoing and incoming, as observed. */
  directions?: ReplicationDirection[];
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
