import {
  RegionEntity,
  ReplicaState,
  StandbyState,
  SubscriptionState,
} from '@meridian/plugin-regions-common';

/**
 * What a replication source saw of one region at one moment.
 * @public
 */
export interface ReplicationObservation {
  sampledAt: Date;
  /** `primary` when the observed node takes writes, `standby` when it is in recovery. */
  nodeRole: 'primary' | 'standby';
  /** For a primary: one row per replica attached to it (or known to have been). */
  replicas: Omit<ReplicaState, 'sampledAt'>[];
  /** For a standby: its own view. */
  standby?: StandbyState;
  /**
   * The node's logical subscriptions, when the source reads them. Their
   * `lagBytes` may be left null: the collector measures it against the
   * publisher's node when it observes that node.
   */
  subscriptions?: SubscriptionState[];
  /** The `regions.databases` node observed, by name. */
  database?: string;
  /** What the node says of itself, when the source reads the node (not Prometheus). */
  node?: ObservedNodeFacts;
}

/**
 * Facts a source read from the node itself, which the split-brain guard
 * compares across regions: two nodes of one replication set (same
 * `systemIdentifier`) that both accept writes are two primaries.
 * @public
 */
export interface ObservedNodeFacts {
  /** `pg_control_system().system_identifier`, as text. */
  systemIdentifier: string;
  /** A standby (in recovery), as opposed to a primary. */
  inRecovery: boolean;
  /** The node's timeline: a primary's current one, a standby's received one. */
  timeline: number | null;
  /** A primary that accepts writes in a default transaction (not read-only). */
  acceptsWrites: boolean;
  /** A primary whose non-superuser roles Meridian's `sql` fence locked out. */
  fenced: boolean;
  /** A primary's current WAL position (`pg_current_wal_lsn()`); a standby's received one. */
  lsn: string | null;
  /** Standby: the host and port its WAL receiver streams from. */
  upstream?: string;
}

/**
 * Samples the replication state of regions, e.g. from PostgreSQL directly or
 * from Prometheus. The collector asks each source in turn for every region;
 * the first source that `observes` a region samples it.
 * @public
 */
export interface ReplicationSource {
  /** Stable id, shown to users as where a sample came from: `postgres`, `prometheus`, ... */
  readonly id: string;
  /** True when this source knows how to observe the region (e.g. it names a configured database). */
  observes(region: RegionEntity): boolean;
  /**
   * Takes one sample. Throws an Error whose message a user may read (never a
   * connection string or secret) when the source is down, times out or answers
   * garbage; the region's status becomes `unknown` with that reason.
   */
  sample(
    region: RegionEntity,
    options: { signal: AbortSignal },
  ): Promise<ReplicationObservation>;
}

/**
 * Thrown by a replication source whose node does not answer at all (refused,
 * timed out): the region's observed role becomes `unreachable`, not `unknown`.
 * @public
 */
export class NodeUnreachableError extends Error {
  readonly name = 'NodeUnreachableError';
}
