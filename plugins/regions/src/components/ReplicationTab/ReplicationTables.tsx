import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  BREACHING_WAL_STATUSES,
  ReplicaState,
  ReplicationDirection,
  replicationStatusOf,
  SubscriptionState,
} from '@meridian/plugin-regions-common';
import { formatAge, formatBytes, formatLagSeconds } from '../../lib/format';
import { orDash } from './orDash';
import { ReplicationStatusChip } from './ReplicationStatusChip';

const TABLE_OPTIONS = {
  padding: 'dense',
  paging: false,
  search: false,
} as const;

type Lagging = { lagBytes: number | null; lagSeconds: number | null };

function lagColumns<T extends Lagging>(): TableColumn<T>[] {
  return [
    {
      title: 'Lag (bytes)',
      render: row => orDash(row.lagBytes, formatBytes),
      customSort: (a, b) => (a.lagBytes ?? -1) - (b.lagBytes ?? -1),
    },
    {
      title: 'Lag (time)',
      render: row => orDash(row.lagSeconds, formatLagSeconds),
      customSort: (a, b) => (a.lagSeconds ?? -1) - (b.lagSeconds ?? -1),
    },
  ];
}

function RegionLink(props: { entityRef?: string }) {
  return props.entityRef ? (
    <EntityRefLink entityRef={props.entityRef} defaultKind="region" />
  ) : (
    <>—</>
  );
}

/** `wal_status` of a slot, flagged when the primary is removing WAL the replica needs. */
function WalStatus(props: { walStatus?: string }) {
  const { walStatus } = props;
  if (!walStatus) {
    return <>—</>;
  }
  const losing = (BREACHING_WAL_STATUSES as readonly string[]).includes(
    walStatus,
  );
  return losing ? (
    <Typography variant="body2" color="error" component="span">
      {walStatus} (WAL lost to the replica)
    </Typography>
  ) : (
    <>{walStatus}</>
  );
}

/** What a primary sees of its replicas: physical standbys and logical slots, CDC ones shown but not counted. */
export function ReplicasTable(props: {
  replicas: ReplicaState[];
  rpoSeconds?: number;
}) {
  const { replicas, rpoSeconds } = props;
  const columns: TableColumn<ReplicaState>[] = [
    { title: 'Replica', field: 'name', highlight: true },
    { title: 'Kind', render: replica => replica.kind ?? '—' },
    { title: 'State', field: 'state' },
    { title: 'Sync state', render: replica => replica.syncState ?? '—' },
    {
      title: 'WAL status',
      render: replica => <WalStatus walStatus={replica.walStatus} />,
    },
    {
      title: 'Region',
      render: replica => <RegionLink entityRef={replica.region} />,
    },
    ...lagColumns<ReplicaState>(),
    {
      title: 'Status',
      render: replica =>
        replica.counted === false ? (
          <Typography variant="body2" component="span">
            not counted (change data capture: no region replicates through this
            slot)
          </Typography>
        ) : (
          <ReplicationStatusChip
            status={replicationStatusOf(replica.lagSeconds, rpoSeconds)}
          />
        ),
    },
    {
      title: 'Sampled',
      render: replica => (
        <span title={new Date(replica.sampledAt).toLocaleString()}>
          {formatAge(replica.sampledAt)}
        </span>
      ),
    },
  ];
  return (
    <Table<ReplicaState>
      title={`Replicas (${replicas.length})`}
      columns={columns}
      data={replicas}
      options={TABLE_OPTIONS}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2">
            No replicas attached: no standby streams from this database.
          </Typography>
        </Box>
      }
    />
  );
}

/** The node's logical subscriptions, as the subscriber sees them. */
export function SubscriptionsTable(props: {
  subscriptions: SubscriptionState[];
  rpoSeconds?: number;
}) {
  const { subscriptions, rpoSeconds } = props;
  const columns: TableColumn<SubscriptionState>[] = [
    { title: 'Subscription', field: 'name', highlight: true },
    {
      title: 'Publisher',
      render: s => <RegionLink entityRef={s.publisherRegion} />,
    },
    { title: 'State', field: 'state' },
    {
      title: 'Tables synced',
      render: s => `${s.tables.ready} of ${s.tables.total}`,
    },
    { title: 'Received (LSN)', render: s => s.receivedLsn ?? '—' },
    { title: 'Applied (LSN)', render: s => s.appliedLsn ?? '—' },
    ...lagColumns<SubscriptionState>(),
    {
      title: 'Status',
      render: s => (
        <ReplicationStatusChip
          status={replicationStatusOf(s.lagSeconds, rpoSeconds)}
        />
      ),
    },
  ];
  return (
    <Table<SubscriptionState>
      title={`Subscriptions (${subscriptions.length})`}
      columns={columns}
      data={subscriptions}
      options={TABLE_OPTIONS}
    />
  );
}

/** An `active` region's replication, one row per direction as observed. */
export function DirectionsTable(props: {
  directions: ReplicationDirection[];
  rpoSeconds?: number;
}) {
  const { directions, rpoSeconds } = props;
  const columns: TableColumn<ReplicationDirection>[] = [
    {
      title: 'Direction',
      render: d =>
        d.direction === 'outgoing'
          ? 'outgoing (to peer)'
          : 'incoming (from peer)',
    },
    { title: 'Peer', render: d => <RegionLink entityRef={d.peer} /> },
    { title: 'Via', field: 'via' },
    { title: 'Kind', field: 'kind' },
    { title: 'State', field: 'state' },
    ...lagColumns<ReplicationDirection>(),
    {
      title: 'Status',
      render: d => (
        <ReplicationStatusChip
          status={replicationStatusOf(d.lagSeconds, rpoSeconds)}
        />
      ),
    },
  ];
  return (
    <Table<ReplicationDirection>
      title="Each direction (active region)"
      columns={columns}
      data={directions}
      options={TABLE_OPTIONS}
    />
  );
}
