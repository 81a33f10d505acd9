import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  ANNOTATION_REGION_DATABASE,
  RegionEntity,
  StandbyState,
} from '@meridian/plugin-regions-common';
import {
  DatabaseNode,
  NodeUnreachableError,
  ReplicationObservation,
} from '@meridian/plugin-regions-node';
import { Pool, PoolClient } from 'pg';
import { bindDatabase, readDatabaseNodes } from '../../bindings/databaseNodes';
import { connectionSecrets, networkErrorReason } from '../../lib/errors';
import { isUnreachable } from '../../postgres/connection';
import { withClient } from '../../postgres/pooledClient';
import { NodeSharingSource } from './ReplicationCollector';
import { readSubscriptions } from './subscriptions';
import {
  hostPort,
  isSqlFenced,
  NODE_FACTS_SQL,
  NodeFactsRow,
} from '../../postgres/nodeFacts';

const CONNECT_TIMEOUT_MS = 3_000;
const STATEMENT_TIMEOUT_MS = 3_000;
/** Client-side backstop for a server that stops answering mid-query (statement_timeout cannot fire then). */
const QUERY_TIMEOUT_MS = 5_000;

type ReplicaRow = {
  name: string;
  state: string;
  sync_state: string | null;
  lag_bytes: number | null;
  lag_seconds: number | null;
  kind: 'physical' | 'logical';
  slot: string | null;
  wal_status: string | null;
};

type StandbyRow = {
  status: string | null;
  sender_host: string | null;
  sender_port: number | null;
  receive_lsn: string | null;
  replay_lsn: string | null;
  backlog_bytes: number | null;
  replay_age_seconds: number | null;
};

/*
 * One row per replica: connected ones from pg_stat_replication, plus, as
 * `stopped`, those whose slot exists but is unused, lagging by the WAL the slot
 * holds back (confirmed_flush_lsn for a logical slot, restart_lsn for a
 * physical one). Temporary slots die with their user, and an active slot with
 * no walsender is SQL-level logical decoding: neither is a replica. A
 * walsender without a slot streams physical WAL.
 */
const PRIMARY_SQL = `
SELECT coalesce(r.application_name, s.slot_name) AS name,
       coalesce(r.state, 'stopped') AS state,
       r.sync_state,
       coalesce(s.slot_type, 'physical') AS kind,
       s.slot_name AS slot,
       s.wal_status,
       pg_wal_lsn_diff(pg_current_wal_lsn(),
         CASE WHEN r.pid IS NOT NULL THEN r.replay_lsn
              ELSE coalesce(s.confirmed_flush_lsn, s.restart_lsn) END)::float8 AS lag_bytes,
       extract(epoch FROM r.replay_lag)::float8 AS lag_seconds
  FROM pg_stat_replication r
  FULL JOIN pg_replication_slots s ON s.active_pid = r.pid
 WHERE r.pid IS NOT NULL OR (NOT s.temporary AND NOT s.active)
 ORDER BY 1`;

const STANDBY_SQL = `
SELECT w.status, w.sender_host, w.sender_port,
       pg_last_wal_receive_lsn()::text AS receive_lsn,
       pg_last_wal_replay_lsn()::text AS replay_lsn,
       pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::float8 AS backlog_bytes,
       extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS replay_age_seconds
  FROM (SELECT 1) AS one
  LEFT JOIN pg_stat_wal_receiver w ON true`;

/**
 * Samples replication straight from PostgreSQL: the node a Region names in its
 * `meridian.dev/database` annotation, looked up in `regions.databases`, and
 * only when config binds that node to the region (otherwise the sample fails
 * naming the binding, and no connection is made). On a primary it reads
 * `pg_stat_replication` and the replication slots (physical and logical,
 * with their `wal_status`) and its logical subscriptions; on a standby, its WAL
 * receiver and replay position; on both, what the node says of itself
 * (system identifier, timeline, writable, fenced) for the split-brain guard.
 * Needs only a role with `pg_monitor`.
 *
 * @public
 */
export class PostgresReplicationSource implements NodeSharingSource {
  readonly id = 'postgres';
  private readonly pools = new Map<string, Pool>();

  /** Reads every node of `regions.databases`; nodes without a connection (e.g. Patroni-only) are not observed. */
  static fromConfig(
    config: Config,
    options: { logger: LoggerService },
  ): PostgresReplicationSource {
    return new PostgresReplicationSource(
      readDatabaseNodes(config),
      options.logger,
    );
  }

  private constructor(
    private readonly nodes: Map<string, DatabaseNode>,
    private readonly logger: LoggerService,
  ) {}

  /** The region names a node with a connection: sampled, or refused for its binding. */
  observes(region: RegionEntity): boolean {
    const name = region.metadata.annotations?.[ANNOTATION_REGION_DATABASE];
    return Boolean(name && this.nodes.get(name)?.connection);
  }

  /**
   * The node a region may be sampled from: the collector samples it once a
   * tick for every region bound to it.
   */
  nodeOf(region: RegionEntity): string | undefined {
    const { node } = bindDatabase(region, this.nodes);
    return node?.connection ? node.name : undefined;
  }

  async sample(
    region: RegionEntity,
    options: { signal: AbortSignal },
  ): Promise<ReplicationObservation> {
    const binding = bindDatabase(region, this.nodes);
    if (!binding.node?.connection) {
      throw new Error(
        binding.problem ??
          `database ${
            binding.node!.name
          } has no connection in regions.databases`,
      );
    }
    const database = binding.node.name;
    const secrets = connectionSecrets(binding.node.connection);
    try {
      return await withClient(this.poolOf(database), options.signal, client =>
        sampleNode(client, database),
      );
    } catch (error) {
      const message = `database ${database}: ${
        options.signal.aborted
          ? 'sampling was aborted'
          : reasonOf(error, secrets)
      }`;
      throw isUnreachable(error) || options.signal.aborted
        ? new NodeUnreachableError(message)
        : new Error(message);
    }
  }

  /** Closes every connection pool. */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map(pool => pool.end()));
  }

  private poolOf(database: string): Pool {
    let pool = this.pools.get(database);
    if (!pool) {
      const connectionString = this.nodes.get(database)!.connection!;
      pool = new Pool({
        connectionString,
        max: 1,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        statement_timeout: STATEMENT_TIMEOUT_MS,
        query_timeout: QUERY_TIMEOUT_MS,
        application_name: 'meridian-regions',
      });
      // An idle connection dropped by the server (restart, failover) is
      // reported here; unhandled, it would crash the backend.
      pool.on('error', error =>
        this.logger.debug(
          `Idle connection to database ${database} closed: ${reasonOf(
            error,
            connectionSecrets(connectionString),
          )}`,
        ),
      );
      this.pools.set(database, pool);
    }
    return pool;
  }
}

async function sampleNode(
  client: PoolClient,
  database: string,
): Promise<ReplicationObservation> {
  const sampledAt = new Date();
  const {
    rows: [facts],
  } = await client.query<NodeFactsRow>(NODE_FACTS_SQL);
  const node = {
    systemIdentifier: facts.system_identifier,
    inRecovery: facts.in_recovery,
    timeline: facts.timeline,
    acceptsWrites: !facts.in_recovery && facts.read_only !== 'on',
    fenced: isSqlFenced(facts),
    lsn: facts.receive_lsn,
    ...(facts.sender_host
      ? { upstream: hostPort(facts.sender_host, facts.sender_port) }
      : {}),
  };
  if (facts.in_recovery) {
    const {
      rows: [row],
    } = await client.query<StandbyRow>(STANDBY_SQL);
    return {
      sampledAt,
      nodeRole: 'standby',
      replicas: [],
      standby: standbyStateOf(row),
      database,
      node,
    };
  }
  const { rows } = await client.query<ReplicaRow>(PRIMARY_SQL);
  const subscriptions = await readSubscriptions(client);
  return {
    sampledAt,
    nodeRole: 'primary',
    replicas: rows.map(row => ({
      name: row.name,
      state: row.state,
      ...(row.sync_state ? { syncState: row.sync_state } : {}),
      lagBytes: row.lag_bytes,
      lagSeconds: lagSecondsOf(row),
      kind: row.kind,
      ...(row.slot ? { slot: row.slot } : {}),
      ...(row.wal_status ? { walStatus: row.wal_status } : {}),
    })),
    subscriptions,
    database,
    node,
  };
}

/**
 * `replay_lag` is NULL both when a connected standby has nothing left to
 * replay on an idle primary (no lag: 0) and when a standby is not connected
 * (unknown).
 */
function lagSecondsOf(row: ReplicaRow): number | null {
  if (row.lag_seconds !== null) {
    return row.lag_seconds;
  }
  return row.state !== 'stopped' && row.lag_bytes === 0 ? 0 : null;
}

function standbyStateOf(row: StandbyRow): StandbyState {
  const receiverStatus = row.status ?? 'disconnected';
  return {
    receiverStatus,
    receiveLsn: row.receive_lsn,
    replayLsn: row.replay_lsn,
    replayBacklogBytes: row.backlog_bytes,
    lastReplayAgeSeconds: row.replay_age_seconds,
    // The replay age grows on an idle primary, so it is not lag: what counts
    // is WAL received but not replayed. A standby that is not streaming cannot
    // know what it misses, so it is never reported caught up.
    caughtUp: receiverStatus === 'streaming' && row.backlog_bytes === 0,
    ...(row.sender_host
      ? { upstream: hostPort(row.sender_host, row.sender_port) }
      : {}),
  };
}

/** A short reason a user can act on, never quoting the connection string, user or password. */
function reasonOf(error: unknown, secrets: string[]): string {
  const { code, message = String(error) } = (error ?? {}) as {
    code?: string;
    message?: string;
  };
  const network = networkErrorReason(code);
  if (network) {
    return network;
  }
  // SQLSTATE class 28: PostgreSQL's messages here quote the user name.
  if (code?.startsWith('28')) {
    return 'authentication failed';
  }
  if (code === '3D000') {
    return 'the database named in the connection does not exist';
  }
  if (code === '57014') {
    return `query timed out after ${STATEMENT_TIMEOUT_MS / 1000} s`;
  }
  if (code === '57P03') {
    return 'the server is starting up or shutting down';
  }
  if (
    /connection timeout|timeout exceeded when trying to connect/i.test(message)
  ) {
    return `timed out after ${CONNECT_TIMEOUT_MS / 1000} s connecting`;
  }
  if (/query read timeout/i.test(message)) {
    return `timed out after ${QUERY_TIMEOUT_MS / 1000} s waiting for an answer`;
  }
  return secrets.reduce(
    (text, secret) => text.split(secret).join('***'),
    message,
  );
}
