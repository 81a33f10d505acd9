import { Config } from '@backstage/config';

/**
 * A PostgreSQL node as configured under `regions.databases.<name>`. It holds
 * secrets (the connection string, the Patroni URL): never log it, put it in an
 * error message or return it from a route.
 * @public
 */
export interface DatabaseNode {
  /** The key under `regions.databases`, e.g. `us-west-db`. */
  name: string;
  /**
   * The regions that may name this node in `meridian.dev/database`, as
   * canonical refs (`region:default/us-west`). A node bound to no region serves
   * none: the config, which only admins change, is the trust root.
   */
  regions: string[];
  /** A libpq connection string, for the `postgres` promoter and the `sql` fencer. */
  connection?: string;
  /** A Patroni-managed node, for the `patroni` promoter and fencer. */
  patroni?: { url: string; member?: string };
  /** An out-of-band fence for when the node does not answer, for the `command` fencer. */
  fence?: {
    /** The program and its arguments, run without a shell, e.g. `['/usr/local/bin/power-off', 'db-1']`. */
    command: string[];
    /** How long the command may take. Default 60. */
    timeoutSeconds: number;
  };
}

/**
 * What a promoter, fencer or traffic switch gets while a failover step runs.
 * @public
 */
export interface FailoverStepContext {
  /** Aborted when the run is stopped (lost lease, shutdown) or the step times out. */
  signal: AbortSignal;
  /** Appends a line to the running step's log, which the operator sees live. No secrets. */
  log(message: string): void;
  /**
   * Confirms that this executor still holds the run, right before a side
   * effect that follows a wait (e.g. `pg_promote` after waiting for replay);
   * throws when another instance took the run over meanwhile, so the effect
   * is not made twice.
   */
  ensureLease(): Promise<void>;
}

/**
 * A node's replication role and position as its promoter sees them, read from
 * the node itself.
 * @public
 */
export interface DatabaseNodeState {
  role: 'primary' | 'standby';
  /** Whether the node accepts writes in a default transaction right now (a fenced primary does not). */
  writable: boolean;
  /** Primary: `pg_current_wal_insert_lsn()`; standby: `pg_last_wal_replay_lsn()`. */
  lsn: string;
  /** Standby only: `pg_last_wal_receive_lsn()`. */
  receiveLsn?: string;
  /** Standby only: whether its WAL receiver is streaming. */
  streaming?: boolean;
  /** `pg_control_system().system_identifier`: equal on every node of one replication set. */
  systemIdentifier?: string;
  /** The node's timeline: a primary's current one, a standby's received one. */
  timeline?: number;
  /** Standby only: host and port its WAL receiver streams from, e.g. `10.16.0.10:5432`. */
  upstream?: string;
  /** The name the node goes by as a standby (`cluster_name`, the WAL receiver's application name). */
  applicationName?: string;
  /** Primary only: the application names of the standbys streaming from it. */
  replicas?: string[];
  /** Host and port the promoter reaches the node at, to match against a standby's upstream. */
  address?: string;
}

/**
 * Promotes a standby database node, for one kind of node (plain PostgreSQL,
 * Patroni, ...). Fencing the old primary is a {@link Fencer}'s job. Every
 * method throws an Error whose message an operator may read (never a
 * connection string) when it fails.
 *
 * The orchestrator calls `inspect` on both nodes in the pre-flight and again
 * before each side effect, so that a resumed run never promotes twice;
 * `promote(target, { waitForLsn })` once the source is fenced; and
 * `verifyWritable(target)`.
 * @public
 */
export interface Promoter {
  /** `postgres`, `patroni`, ...: shown in the run's steps. */
  readonly id: string;
  /**
   * True when `promote` itself demotes the old primary under a lock only one
   * node can hold (Patroni's switchover): the source's fence is then verified
   * right after the promotion instead of before it.
   */
  readonly demotesSource?: boolean;
  /** True when this promoter can drive the node (e.g. it has a `patroni` block). */
  supports(node: DatabaseNode): boolean;
  inspect(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<DatabaseNodeState>;
  /**
   * Promotes the standby. With `waitForLsn`, first waits until the node has
   * replayed that position (and fails, promoting nothing, if it does not in
   * time, unless `replayTimeoutIsLoss` lets an emergency failover go on).
   * `source` is the old primary, for promoters that need both (Patroni).
   */
  promote(
    node: DatabaseNode,
    ctx: FailoverStepContext,
    options: {
      waitForLsn?: string;
      replayTimeoutIsLoss?: boolean;
      source?: DatabaseNode;
    },
  ): Promise<PromotionResult>;
  /** Commits a write on the node; throws if it cannot. */
  verifyWritable(node: DatabaseNode, ctx: FailoverStepContext): Promise<void>;
}

/**
 * What a promotion found.
 * @public
 */
export interface PromotionResult {
  /** The last WAL position the node replayed before it left recovery: where its new timeline forks. */
  replayedLsn?: string;
}

/**
 * What a fencer did to the old primary.
 * @public
 */
export interface FenceResult {
  /** The last WAL position the node wrote, when the fencer could read it: the target must replay it. */
  lsn?: string;
  /** What was done, for the run's record, e.g. `exit 0: host powered off`. No secrets. */
  detail: string;
}

/**
 * Whether a node is fenced, observed: `fenced` only on positive evidence. A
 * node that does not answer is not fenced by that alone.
 * @public
 */
export interface FenceVerdict {
  fenced: boolean;
  /** The evidence, or what is missing, e.g. `role app can still log in`. */
  detail: string;
  /** True when the node could not be reached at all to look. */
  unreachable?: boolean;
}

/**
 * Makes an old primary unable to take writes. `in-band` fencers work through
 * the node itself and need it to answer (`sql`: refuses the application's
 * logins and ends its sessions; `patroni`: the leader lock); `out-of-band`
 * ones work when it does not (`command`: a configured command that powers the
 * host off or isolates it).
 * @public
 */
export interface Fencer {
  /** `sql`, `patroni`, `command`, ...: recorded as the run's fence method. */
  readonly id: string;
  readonly reach: 'in-band' | 'out-of-band';
  /** True when this fencer can fence the node (e.g. it has a connection, a fence command). */
  supports(node: DatabaseNode): boolean;
  /** Fences the node; throws when it could not. */
  fence(node: DatabaseNode, ctx: FailoverStepContext): Promise<FenceResult>;
  /** Looks whether the node is fenced now. */
  verify(node: DatabaseNode, ctx: FailoverStepContext): Promise<FenceVerdict>;
  /**
   * Undoes, on a promoted node, whatever this fencer's fence of the old
   * primary changed that replicates (e.g. role settings), so that the
   * application writes there at once. Idempotent.
   */
  liftReplicated?(node: DatabaseNode, ctx: FailoverStepContext): Promise<void>;
}

/**
 * One configured traffic switch (`regions.traffic.<name>`): the DNS record or
 * load-balancer pool that sends users to the active region.
 * @public
 */
export interface TrafficSwitch {
  /** The key under `regions.traffic`, e.g. `api-dns`. */
  readonly name: string;
  /** `powerdns`, `cloudflare`, `route53`, ... */
  readonly driver: string;
  /**
   * The address (IP or hostname) the switch points at for a region, from
   * config, keyed by the region's canonical ref; undefined when the switch
   * does not serve that region.
   */
  addressOf(regionRef: string): string | undefined;
  /** What the switch points at now, read back from the service's API. */
  current(ctx: FailoverStepContext): Promise<string[]>;
  /** Points the switch at `address` only (replacing what was there). */
  switchTo(address: string, ctx: FailoverStepContext): Promise<void>;
  /**
   * Optional, for switches that can split traffic (weighted DNS records, load
   * balancer pool weights): sends each address its percent of the traffic
   * (they add up to 100), for a failback that shifts in steps. A switch
   * without it only switches all at once.
   */
  weigh?(
    weights: { address: string; percent: number }[],
    ctx: FailoverStepContext,
  ): Promise<void>;
  /** With `weigh`: each address's percent of the traffic now, read back from the service. */
  currentWeights?(
    ctx: FailoverStepContext,
  ): Promise<{ address: string; percent: number }[]>;
}

/**
 * Builds traffic switches of one driver from their config blocks.
 * @public
 */
export interface TrafficSwitchFactory {
  /** The `driver` value it handles, e.g. `powerdns`. */
  readonly driver: string;
  /**
   * `config` is the `regions.traffic.<name>` block (a `@backstage/config`
   * Config). Throws naming the key and value when the block is invalid.
   */
  create(name: string, config: Config): TrafficSwitch;
}
