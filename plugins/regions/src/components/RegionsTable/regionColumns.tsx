import {
  StatusError,
  StatusOK,
  StatusPending,
  TableColumn,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import {
  CostSummaryResponse,
  HealthStatus,
  ReplicationStatus,
} from '@meridian/plugin-regions-common';
import { formatMoney } from '../../lib/format';
import { BudgetStatusChip } from '../CostTab/BudgetStatusChip';
import { DemoDataChip } from '../CostTab/DemoDataChip';
import { HealthStatusChip } from '../RegionHealth';
import { ObservedRoleChip } from '../ObservedRole';
import { ReadinessChip } from '../ReadinessTab/ReadinessChip';
import { ReplicationStatusChip } from '../ReplicationTab/ReplicationStatusChip';
import { RegionRow } from './regionRows';

// worst first when sorted descending
const REPLICATION_SEVERITY: Record<ReplicationStatus, number> = {
  ok: 0,
  unknown: 1,
  warning: 2,
  breach: 3,
};
const HEALTH_SEVERITY: Record<HealthStatus, number> = {
  up: 0,
  unknown: 1,
  degraded: 2,
  down: 3,
};

/**
 * The columns a user may hide or show with the column picker, and those
 * shown by default: together with name, tier and hub they fit 1,500 px.
 */
export const OPTIONAL_COLUMNS = [
  'health',
  'role',
  'replicationLag',
  'readiness.score',
  'monthToDate',
  'status',
  'ownerName',
  'location',
  'lifecycle',
  'cidr',
  'provider',
] as const;
export const DEFAULT_SHOWN: readonly string[] = OPTIONAL_COLUMNS.slice(0, 7);

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

/** The table's columns; optional ones hidden unless `shown`, the sorted one marked. */
export function regionColumns(options: {
  costs?: CostSummaryResponse;
  costsKnown: boolean;
  shown: readonly string[];
  sort?: { field: string; direction: 'asc' | 'desc' };
}): TableColumn<RegionRow>[] {
  const { costs, costsKnown, shown, sort } = options;
  const columns: TableColumn<RegionRow>[] = [
    {
      title: 'Name',
      field: 'name',
      highlight: true,
      removable: false,
      cellStyle: { whiteSpace: 'nowrap' },
      // the title sits under the name, so more facts fit a laptop screen
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
    {
      title: 'Title',
      field: 'title',
      hidden: true,
      hiddenByColumnsButton: true,
      searchable: true,
    },
    {
      title: 'Tier',
      field: 'tierLabel',
      removable: false,
      customSort: (a, b) => a.tier - b.tier,
    },
    {
      title: 'Hub',
      field: 'hubName',
      removable: false,
      render: row =>
        row.hubRef ? (
          <EntityRefLink entityRef={row.hubRef}>{row.hubName}</EntityRefLink>
        ) : null,
    },
    {
      title: 'Health',
      field: 'health',
      customSort: (a, b) =>
        HEALTH_SEVERITY[a.health] - HEALTH_SEVERITY[b.health],
      render: row => (
        <HealthStatusChip status={row.health} title={row.healthReason} />
      ),
    },
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
      cellStyle: { whiteSpace: 'nowrap' },
      customSort: (a, b) => (a.monthToDate ?? -1) - (b.monthToDate ?? -1),
      render: row =>
        costs && row.monthToDate !== undefined ? (
          <>
            {formatMoney(row.monthToDate, costs.currency)}{' '}
            {costs.demo && <DemoDataChip />}{' '}
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
    { title: 'Location', field: 'location' },
    { title: 'Lifecycle', field: 'lifecycle' },
    {
      title: 'CIDR',
      field: 'cidr',
      cellStyle: { whiteSpace: 'nowrap', fontFamily: 'monospace' },
    },
    { title: 'Provider', field: 'provider' },
  ];
  return columns.map(column => {
    const field = String(column.field);
    const optional = (OPTIONAL_COLUMNS as readonly string[]).includes(field);
    return {
      ...column,
      ...(optional && {
        // no cost column at all while the backend has no costs to give
        hidden:
          !shown.includes(field) || (field === 'monthToDate' && !costsKnown),
        hiddenByColumnsButton: field === 'monthToDate' && !costsKnown,
      }),
      ...(sort?.field === field && { defaultSort: sort.direction }),
    };
  });
}
