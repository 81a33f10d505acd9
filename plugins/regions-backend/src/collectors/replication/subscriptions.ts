import { SubscriptionState } from '@meridian/plugin-regions-common';
import { PoolClient } from 'pg';

/*
 * The logical subscriptions of the connected database (pg_subscription is
 * shared by the cluster), each with its main apply worker's positions and
 * how many of its tables finished their initial sync. Readable by pg_monitor
 * (not subconninfo, which is not read).
 */
const SUBSCRIPTIONS_SQL = `
SELECT s.subname AS name, s.subenabled AS enabled, s.subslotname AS slot,
       s.subpublications AS publications,
       w.pid, w.received_lsn::text AS received_lsn,
       w.latest_end_lsn::text AS applied_lsn, w.latest_end_time AS applied_at,
       extract(epoch FROM now() - w.latest_end_time)::float8 AS applied_age_seconds,
       (SELECT count(*) FROM pg_subscription_rel r WHERE r.srsubid = s.oid)::int AS tables,
       (SELECT count(*) FROM pg_subscription_rel r
         WHERE r.srsubid = s.oid AND r.srsubstate = 'r')::int AS ready
  FROM pg_subscription s
  LEFT JOIN pg_stat_subscription w ON w.subid = s.oid AND w.relid IS NULL
 WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
 ORDER BY 1`;

type SubscriptionRow = {
  name: string;
  enabled: boolean;
  slot: string | null;
  publications: string[];
  pid: number | null;
  received_lsn: string | null;
  applied_lsn: string | null;
  applied_at: Date | null;
  applied_age_seconds: number | null;
  tables: number;
  ready: number;
};

/** The node's logical subscriptions, as the subscriber sees them. */
export async function readSubscriptions(
  client: PoolClient,
): Promise<SubscriptionState[]> {
  const { rows } = await client.query<SubscriptionRow>(SUBSCRIPTIONS_SQL);
  return rows.map(subscriptionStateOf);
}

/**
 * A subscription as the subscriber sees it. Its byte lag needs the
 * publisher's position, which the collector reads on the publisher's node;
 * until then the time since the publisher last confirmed a position stands.
 */
function subscriptionStateOf(row: SubscriptionRow): SubscriptionState {
  let state = 'streaming';
  if (!row.enabled) {
    state = 'disabled';
  } else if (row.pid === null) {
    state = 'stopped';
  } else if (row.ready < row.tables) {
    state = 'syncing';
  }
  return {
    name: row.name,
    state,
    slot: row.slot,
    publications: row.publications ?? [],
    receivedLsn: row.received_lsn,
    appliedLsn: row.applied_lsn,
    appliedAt: row.applied_at ? new Date(row.applied_at).toISOString() : null,
    tables: { ready: row.ready, total: row.tables },
    lagBytes: null,
    lagSeconds:
      row.pid !== null && row.applied_age_seconds !== null
        ? Math.max(0, row.applied_age_seconds)
        : null,
  };
}
