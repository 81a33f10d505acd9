import { Config } from '@backstage/config';
import { RegionEntity } from '@meridian/plugin-regions-common';

/**
 * A PostgreSQL node as configured under `regions.databases.<name>`. It holds
 * secrets (the connection string): never log it, put it in an error message or
 * return it from a route.
 * @public
 */
export interface DatabaseNode {
  /** The key under `regions.databases`, e.g. `us-west-db`. */
  name: string;
  /** A libpq connection string, for the `postgres` promoter. */
  connection?: string;
  /** A Patroni-managed node, for the `patroni` promoter. */
  patroni?: { url: string; member?: string };
}

/**
 * What a promoter or traffic switch gets while a failover step runs.
 * @public
 */
export interface FailoverStepContext {
  /** Aborted when the run is cancelled or the step times out. */
  signal: AbortSignal;
  /** Appends a line to the running step's log, which the operator sees live. No secrets. */
  log(message: string): void;
}

/**
 * A node's replication role and WAL position as its promoter sees them.
 * @public
 */
export interface DatabaseNodeState {
  role: 'primary' | 'standby';
  /** Whether the node accepts writes right now (a fenced primary does not). */
  writable: boolean;
  /** Primary: `pg_current_wal_lsn()`; standby: `pg_last_wal_replay_lsn()`. */
  lsn: string;
  /** Standby only: `pg_last_wal_receive_lsn()`. */
  receiveLsn?: string;
  /** Standby only: whether its WAL receiver is streaming. */
  streaming?: boolean;
}

/**
 * Promotes a standby database node and fences an old primary, for one kind
 * of node (plain PostgreSQL, Patroni, ...). Every method throws an Error whose
 * message an operator may read (never a connection string) when it fails.
 *
 * The orchestrator calls, for a `switchover`: `inspect` on both nodes,
 * `fence(source)`, `promote(target, { waitForLsn })`, `verifyWritable(target)`,
 * `verifyFenced(source)`; for a `failover`: `inspect`, `promote(target)`,
 * `verifyWritable(target)` and, when the source answers, `fence` and
 * `verifyFenced` so that it can never come back as a second writable primary.
 * A promoter whose system demotes and promotes in one call (Patroni's
 * `/switchover`) does that in `promote` and says so in `fence`'s log.
 * @public
 */
export interface Promoter {
  /** `postgres`, `patroni`, ...: shown in the run's steps. */
  readonly id: string;
  /** True when this promoter can drive the node (e.g. it has a `patroni` block). */
  supports(node: DatabaseNode): boolean;
  inspect(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<DatabaseNodeState>;
  /**
   * Stops the old primary from accepting writes and disconnects its clients.
   * Returns the last WAL position the primary wrote, which the target must
   * replay before promotion for the switchover to lose nothing.
   */
  fence(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<{ lsn?: string }>;
  /**
   * Promotes the standby. With `waitForLsn`, first waits until the node has
   * replayed that position (and fails, promoting nothing, if it does not in time).
   * `source` is the old primary, for promoters that need both (Patroni).
   */
  promote(
    node: DatabaseNode,
    ctx: FailoverStepContext,
    options: { waitForLsn?: string; source?: DatabaseNode },
  ): Promise<void>;
  /** Commits a write on the node; throws if it cannot. */
  verifyWritable(node: DatabaseNode, ctx: FailoverStepContext): Promise<void>;
  /** Throws unless the node is stopped, unreachable or read-only. */
  verifyFenced(node: DatabaseNode, ctx: FailoverStepContext): Promise<void>;
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
  /** The address (IP or hostname) the switch points at for a region, from config; undefined if none. */
  addressOf(region: RegionEntity): string | undefined;
  /** What the switch points at now, read back from the service's API. */
  current(ctx: FailoverStepContext): Promise<string[]>;
  /** Points the switch at `address` only (replacing what was there). */
  switchTo(address: string, ctx: FailoverStepContext): Promise<void>;
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
