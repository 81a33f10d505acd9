import { DatabaseNodeState } from '@meridian/plugin-regions-node';

/**
 * What a PostgreSQL node says of itself, in one query: its role, WAL
 * positions, replication set (`system_identifier`), timeline, where it streams
 * from, who streams from it, and whether Meridian's `sql` fence holds it.
 * Needs `pg_monitor` (the collector) or a superuser (the failover).
 *
 * - A primary's timeline is the one of its current WAL file (the checkpoint's
 *   lags behind right after a promotion); a standby's is the one its WAL
 *   receiver receives, else its last checkpoint's.
 * - `fenced`: read-only by default and no role but ours and the superusers
 *   may log in, which is what the `sql` fencer leaves.
 */
export const NODE_FACTS_SQL = `
SELECT pg_is_in_recovery() AS in_recovery,
       (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()
             ELSE pg_current_wal_insert_lsn() END)::text AS lsn,
       (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn()
             ELSE pg_current_wal_lsn() END)::text AS receive_lsn,
       w.status AS receiver,
       w.sender_host,
       w.sender_port,
       substring(w.conninfo from 'application_name=([^ ]+)') AS receiver_application_name,
       (CASE WHEN pg_is_in_recovery()
             THEN coalesce(w.received_tli, (SELECT timeline_id FROM pg_control_checkpoint()))
             ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int
        END) AS timeline,
       current_setting('default_transaction_read_only') AS read_only,
       current_setting('cluster_name') AS cluster_name,
       (SELECT system_identifier::text FROM pg_control_system()) AS system_identifier,
       (SELECT coalesce(array_agg(application_name::text ORDER BY application_name), '{}')
          FROM pg_stat_replication) AS replicas,
       NOT EXISTS (SELECT 1 FROM pg_roles
                    WHERE rolcanlogin AND NOT rolsuper AND rolname <> current_user) AS logins_locked
  FROM (SELECT 1) AS one
  LEFT JOIN pg_stat_wal_receiver w ON true`;

/** A row of {@link NODE_FACTS_SQL}. */
export interface NodeFactsRow {
  in_recovery: boolean;
  lsn: string;
  receive_lsn: string | null;
  receiver: string | null;
  sender_host: string | null;
  sender_port: number | null;
  receiver_application_name: string | null;
  timeline: number | null;
  read_only: string;
  cluster_name: string;
  system_identifier: string;
  replicas: string[];
  logins_locked: boolean;
}

/** Whether Meridian's `sql` fence holds a primary: read-only by default, the application's roles locked out. */
export function isSqlFenced(row: NodeFactsRow): boolean {
  return !row.in_recovery && row.read_only === 'on' && row.logins_locked;
}

/** The row as the promoters' node state. */
export function nodeStateOf(
  row: NodeFactsRow,
  address: string | undefined,
): DatabaseNodeState {
  const common = {
    lsn: row.lsn,
    systemIdentifier: row.system_identifier,
    ...(row.timeline !== null ? { timeline: row.timeline } : {}),
    ...(address ? { address } : {}),
  };
  if (row.in_recovery) {
    return {
      ...common,
      role: 'standby',
      writable: false,
      ...(row.receive_lsn ? { receiveLsn: row.receive_lsn } : {}),
      streaming: row.receiver === 'streaming',
      ...(row.sender_host
        ? { upstream: hostPort(row.sender_host, row.sender_port) }
        : {}),
      applicationName:
        row.receiver_application_name || row.cluster_name || 'walreceiver',
    };
  }
  return {
    ...common,
    role: 'primary',
    writable: row.read_only !== 'on',
    replicas: row.replicas,
  };
}

/** `host:port`, with an IPv6 host in brackets. */
export function hostPort(host: string, port: number | null): string {
  const shown = host.includes(':') ? `[${host}]` : host;
  return port === null ? shown : `${shown}:${port}`;
}
