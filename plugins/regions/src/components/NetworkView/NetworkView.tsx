import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import {
  CidrAllocation,
  CidrPoolSummary,
} from '@meridian/plugin-regions-common';
import { regionsApiRef } from '../../api';
import { useLiveData } from '../../lib/useLiveData';
import { StaleBanner } from '../StaleBanner';

/** Allocations change when a region is provisioned: a minute is fresh enough. */
const REFRESH_INTERVAL_MS = 60_000;

/** "2026-09-18 09:30 UTC": the backend answers ISO times in UTC. */
function formatAllocatedAt(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

const poolColumns: TableColumn<CidrPoolSummary>[] = [
  { title: 'Pool', field: 'name' },
  { title: 'Block', field: 'cidr' },
  {
    title: 'Allocates',
    field: 'prefixLength',
    render: pool => `/${pool.prefixLength} blocks`,
  },
  {
    title: 'Used',
    field: 'used',
    render: pool => `${pool.used} of ${pool.capacity}`,
  },
  {
    title: 'Free',
    render: pool => String(pool.capacity - pool.used),
    customSort: (a, b) => a.capacity - a.used - (b.capacity - b.used),
  },
  {
    title: 'Next free block',
    field: 'nextFree',
    render: pool => pool.nextFree ?? 'exhausted',
  },
];

const allocationColumns: TableColumn<CidrAllocation>[] = [
  { title: 'Block', field: 'cidr' },
  {
    title: 'Region',
    field: 'region',
    render: allocation => (
      <EntityRefLink entityRef={allocation.region} defaultKind="region" />
    ),
  },
  {
    title: 'Allocated',
    field: 'allocatedAt',
    defaultSort: 'desc',
    render: allocation => (
      <span title={new Date(allocation.allocatedAt).toLocaleString()}>
        {formatAllocatedAt(allocation.allocatedAt)}
      </span>
    ),
  },
  { title: 'Pool', field: 'pool' },
];

/**
 * The Network view of the Regions page: the CIDR pools of `regions.pools`
 * with their use and next free block, and every block allocated from them.
 */
export function NetworkView() {
  const regionsApi = useApi(regionsApiRef);
  const network = useLiveData(
    async () => {
      const [pools, allocations] = await Promise.all([
        regionsApi.getPools(),
        regionsApi.getAllocations(),
      ]);
      return { pools: pools.pools, allocations: allocations.allocations };
    },
    [regionsApi],
    { pollMs: REFRESH_INTERVAL_MS },
  );

  if (!network.value) {
    return network.error ? (
      <ResponseErrorPanel
        title="Could not load the CIDR pools and allocations"
        error={network.error}
      />
    ) : (
      <Progress />
    );
  }
  const { pools, allocations } = network.value;
  if (pools.length === 0 && allocations.length === 0) {
    return (
      <EmptyState
        missing="content"
        title="No CIDR pools"
        description="Declare pools under regions.pools in app-config, e.g. { name: brazil, cidr: 10.16.0.0/12, prefixLength: 16 }; the Provision a region template allocates its blocks from them."
      />
    );
  }
  return (
    <>
      <StaleBanner stale={network.stale} what="the pools and allocations" />
      <Box mb={3}>
        <Table<CidrPoolSummary>
          title={`CIDR pools (${pools.length})`}
          columns={poolColumns}
          data={pools}
          options={{ paging: false, search: false, padding: 'dense' }}
          emptyContent={
            <Box p={2}>No pools are configured under regions.pools.</Box>
          }
        />
      </Box>
      <Table<CidrAllocation>
        title={`Allocations (${allocations.length})`}
        columns={allocationColumns}
        data={allocations}
        options={{ paging: allocations.length > 20, pageSize: 20 }}
        emptyContent={
          <Box p={2}>
            No blocks allocated yet: the Provision a region template allocates
            one per region.
          </Box>
        }
      />
    </>
  );
}
