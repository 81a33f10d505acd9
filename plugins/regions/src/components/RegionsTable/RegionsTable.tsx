import {
  EmptyState,
  StatusError,
  StatusOK,
  StatusPending,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import {
  CostSummaryResponse,
  RegionEntity,
  ReplicationStatus,
  TopologyResponse,
} from '@meridian/plugin-regions-common';
import { ChangeEvent, useMemo, useState } from 'react';
import { formatTier } from '../../lib/format';
import { ReplicationStatusChip } from '../ReplicationTab/ReplicationStatusChip';
import { ReadinessChip } from '../ReadinessTab/ReadinessChip';
import { BudgetStatusChip } from '../CostTab/BudgetStatusChip';
import { ObservedRoleChip } from '../ObservedRole';
import { formatMoney } from '../../lib/format';
import { RegionRow, toRows } from './regionRows';

// worst first when sorted descending
const REPLICATION_SEVERITY: Record<ReplicationStatus, number> = {
  ok: 0,
  unknown: 1,
  warning: 2,
  breach: 3,
};

type FilterKey = 'tier' | 'lifecycle' | 'owner' | 'country';
type Filters = Record<FilterKey, string>;

const ALL = '';
const NO_FILTERS: Filters = {
  tier: ALL,
  lifecycle: ALL,
  owner: ALL,
  country: ALL,
};

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  filter: {
    minWidth: 180,
  },
  cidr: {
    fontFamily: 'monospace',
  },
}));

function distinct(rows: RegionRow[], pick: (row: RegionRow) => string) {
  return [...new Set(rows.map(pick).filter(Boolean))].sort((a, b) =>
    a.localeCompare(b),
  );
}

function StatusCell(props: { conflicts?: number; text: string }) {
  if (props.conflicts === undefined) {
    return <StatusPending>{props.text}</StatusPending>;
  }
  return props.conflicts > 0 ? (
    <StatusError>{props.text}</StatusError>
  ) : (
    <StatusOK>{props.text}</StatusOK>
  );
}

/**
 * Every region with its tier, hub, location, role (as its node says it, with
 * any drift from the catalog flagged), network block, owner, status and
 * replication lag, filterable by tier, lifecycle, owner and country.
 *
 * @public
 */
export function RegionsTable(props: {
  entities: RegionEntity[];
  /** The backend's view, for each region's status; omitted when unavailable. */
  topology?: TopologyResponse;
  /** Each region's month so far, for the cost column; omitted when unavailable. */
  costs?: CostSummaryResponse;
}) {
  const { entities, topology, costs } = props;
  const classes = useStyles();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const rows = useMemo(
    () => toRows(entities, topology, costs),
    [entities, topology, costs],
  );
  // costs of no region read yet (no OpenCost configured, say) are no costs
  const costsKnown = costs && rows.some(row => row.monthToDate !== undefined);

  if (entities.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No regions yet"
        description="Register Region entities (apiVersion meridian.dev/v1alpha1, kind Region) in the catalog and they are listed here."
      />
    );
  }

  const options: Record<FilterKey, { value: string; label: string }[]> = {
    tier: distinct(rows, row => String(row.tier)).map(tier => ({
      value: tier,
      label: formatTier(Number(tier) as 1 | 2 | 3),
    })),
    lifecycle: distinct(rows, row => row.lifecycle).map(value => ({
      value,
      label: value,
    })),
    owner: distinct(rows, row => row.ownerRef ?? '').map(value => ({
      value,
      label: rows.find(row => row.ownerRef === value)!.ownerName,
    })),
    country: distinct(rows, row => row.country).map(value => ({
      value,
      label: value,
    })),
  };
  const filterLabels: Record<FilterKey, string> = {
    tier: 'Tier',
    lifecycle: 'Lifecycle',
    owner: 'Owner',
    country: 'Country',
  };
  const matches = (row: RegionRow) =>
    (!filters.tier || String(row.tier) === filters.tier) &&
    (!filters.lifecycle || row.lifecycle === filters.lifecycle) &&
    (!filters.owner || row.ownerRef === filters.owner) &&
    (!filters.country || row.country === filters.country);
  // tier first, so global hubs lead and each topology reads top-down
  const visible = rows
    .filter(matches)
    .sort((a, b) => a.tier - b.tier || a.name.localeCompare(b.name));

  const columns: TableColumn<RegionRow>[] = [
    {
      title: 'Name',
      field: 'name',
      highlight: true,
      cellStyle: { whiteSpace: 'nowrap' },
      // the title sits under the name, so twelve facts fit a laptop screen
      render: row => (
        <>
          <EntityRefLink entityRef={row.entity}>{row.name}</EntityRefLink>
          {row.title && (
            <Typography variant="body2" color="textSecondary">
              {row.title}
            </Typography>
          )}
        </>
      ),
    },
    // hidden, but still matched by the table's search box
    { title: 'Title', field: 'title', hidden: true, searchable: true },
    {
      title: 'Tier',
      field: 'tierLabel',
      customSort: (a, b) => a.tier - b.tier,
    },
    {
      title: 'Hub',
      field: 'hubName',
      render: row =>
        row.hubRef ? (
          <EntityRefLink entityRef={row.hubRef}>{row.hubName}</EntityRefLink>
        ) : null,
    },
    { title: 'Location', field: 'location' },
    { title: 'Lifecycle', field: 'lifecycle' },
    {
      title: 'Role',
      field: 'role',
      cellStyle: { whiteSpace: 'nowrap' },
      render: row => {
        if (row.observedRole) {
          return (
            <ObservedRoleChip role={row.observedRole} drift={row.roleDrift} />
          );
        }
        return row.declaredRole ? (
          <Typography variant="body2" color="textSecondary">
            {row.declaredRole} (declared)
          </Typography>
        ) : (
          '—'
        );
      },
    },
    {
      title: 'Replication',
      field: 'replicationLag',
      cellStyle: { whiteSpace: 'nowrap' },
      customSort: (a, b) =>
        (a.replicationStatus ? REPLICATION_SEVERITY[a.replicationStatus] : -1) -
        (b.replicationStatus ? REPLICATION_SEVERITY[b.replicationStatus] : -1),
      render: row =>
        row.replicationStatus ? (
          <>
            <ReplicationStatusChip status={row.replicationStatus} />{' '}
            {row.replicationLag}
          </>
        ) : (
          '—'
        ),
    },
    {
      title: 'Readiness',
      field: 'readiness.score',
      cellStyle: { whiteSpace: 'nowrap' },
      customSort: (a, b) =>
        (a.readiness?.score ?? -1) - (b.readiness?.score ?? -1),
      render: row =>
        row.readiness ? (
          <ReadinessChip
            score={row.readiness.score}
            ready={row.readiness.ready}
          />
        ) : (
          '—'
        ),
    },
    {
      title: 'Month to date',
      field: 'monthToDate',
      // no column at all while the backend has no costs to give
      hidden: !costsKnown,
      cellStyle: { whiteSpace: 'nowrap' },
      customSort: (a, b) => (a.monthToDate ?? -1) - (b.monthToDate ?? -1),
      render: row =>
        costs && row.monthToDate !== undefined ? (
          <>
            {formatMoney(row.monthToDate, costs.currency)}{' '}
            {row.budgetStatus && row.budgetStatus !== 'unknown' && (
              <BudgetStatusChip status={row.budgetStatus} />
            )}
            {row.spokesMonthToDate !== undefined && (
              <Typography variant="caption" display="block">
                spokes {formatMoney(row.spokesMonthToDate, costs.currency)}
              </Typography>
            )}
          </>
        ) : (
          '—'
        ),
    },
    {
      title: 'Conflicts',
      field: 'status',
      customSort: (a, b) => (a.conflicts ?? -1) - (b.conflicts ?? -1),
      render: row => <StatusCell conflicts={row.conflicts} text={row.status} />,
    },
    {
      title: 'CIDR',
      field: 'cidr',
      cellStyle: { whiteSpace: 'nowrap' },
      render: row => <span className={classes.cidr}>{row.cidr}</span>,
    },
    {
      title: 'Owner',
      field: 'ownerName',
      render: row =>
        row.ownerRef ? (
          <EntityRefLink entityRef={row.ownerRef}>
            {row.ownerName}
          </EntityRefLink>
        ) : (
          row.ownerName
        ),
    },
    { title: 'Provider', field: 'provider' },
  ];

  return (
    <>
      <Box className={classes.filters}>
        {(Object.keys(filterLabels) as FilterKey[]).map(key => (
          <TextField
            key={key}
            id={`regions-filter-${key}`}
            className={classes.filter}
            select
            label={filterLabels[key]}
            value={filters[key]}
            onChange={(event: ChangeEvent<{ value: unknown }>) =>
              setFilters({ ...filters, [key]: String(event.target.value) })
            }
            SelectProps={{ native: true }}
            InputLabelProps={{ shrink: true }}
            variant="outlined"
            size="small"
          >
            <option value={ALL}>All</option>
            {options[key].map(option => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </TextField>
        ))}
      </Box>
      {costs && costsKnown && (
        <Typography variant="body2" color="textSecondary" gutterBottom>
          Month to date across the regions listed:{' '}
          {formatMoney(
            visible.reduce((sum, row) => sum + (row.monthToDate ?? 0), 0),
            costs.currency,
          )}
        </Typography>
      )}
      <Table<RegionRow>
        title={`Regions (${visible.length})`}
        columns={columns}
        data={visible}
        options={{
          padding: 'dense',
          paging: visible.length > 20,
          pageSize: 20,
          search: true,
        }}
        emptyContent={<Box p={2}>No regions match the selected filters.</Box>}
      />
    </>
  );
}
