import { EmptyState, Table } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import {
  CostSummaryResponse,
  RegionEntity,
  TopologyResponse,
} from '@meridian/plugin-regions-common';
import { ChangeEvent, useMemo } from 'react';
import { formatTier } from '../../lib/format';
import { DemoDataChip } from '../CostTab/DemoDataChip';
import { formatMoney } from '../../lib/format';
import { DEFAULT_SHOWN, regionColumns } from './regionColumns';
import { RegionRow, toRows } from './regionRows';
import { FILTER_KEYS, FilterKey, useTableParams } from './useTableParams';

const ALL = '';
const PAGE_SIZE = 20;

const FILTER_LABELS: Record<FilterKey, string> = {
  tier: 'Tier',
  lifecycle: 'Lifecycle',
  owner: 'Owner',
  country: 'Country',
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
}));

function distinct(rows: RegionRow[], pick: (row: RegionRow) => string) {
  return [...new Set(rows.map(pick).filter(Boolean))].sort((a, b) =>
    a.localeCompare(b),
  );
}

function filterOptions(rows: RegionRow[]) {
  const ownerNames = new Map(rows.map(row => [row.ownerRef, row.ownerName]));
  const plain = (value: string) => ({ value, label: value });
  return {
    tier: distinct(rows, row => String(row.tier)).map(tier => ({
      value: tier,
      label: formatTier(Number(tier) as 1 | 2 | 3),
    })),
    lifecycle: distinct(rows, row => row.lifecycle).map(plain),
    owner: distinct(rows, row => row.ownerRef ?? '').map(value => ({
      value,
      label: ownerNames.get(value) ?? value,
    })),
    country: distinct(rows, row => row.country).map(plain),
  };
}

/**
 * Every region with its tier, hub, health, role (as its node says it, with
 * any drift from the catalog flagged), replication, readiness, cost,
 * conflicts and owner; location, lifecycle, network block and provider
 * through the column picker. Filters, search, sort, page and the columns
 * shown live in the URL.
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
  const [params, setParams] = useTableParams();
  const { filters } = params;
  const rows = useMemo(
    () => toRows(entities, topology, costs),
    [entities, topology, costs],
  );
  // costs of no region read yet (no OpenCost configured, say) are no costs
  const costsKnown = Boolean(
    costs && rows.some(row => row.monthToDate !== undefined),
  );
  const options = useMemo(() => filterOptions(rows), [rows]);
  const visible = useMemo(
    () =>
      rows
        .filter(
          row =>
            (!filters.tier || String(row.tier) === filters.tier) &&
            (!filters.lifecycle || row.lifecycle === filters.lifecycle) &&
            (!filters.owner || row.ownerRef === filters.owner) &&
            (!filters.country || row.country === filters.country),
        )
        // tier first, so global hubs lead and each topology reads top-down
        .sort((a, b) => a.tier - b.tier || a.name.localeCompare(b.name)),
    [rows, filters],
  );
  const shown = params.shown ?? DEFAULT_SHOWN;
  // the table reads its sort, search and page once; the URL keeps them after
  const columns = useMemo(
    () => regionColumns({ costs, costsKnown, shown, sort: params.sort }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [costs, costsKnown, shown.join(',')],
  );

  if (entities.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No regions yet"
        description="Register Region entities (apiVersion meridian.dev/v1alpha1, kind Region) in the catalog and they are listed here."
      />
    );
  }

  return (
    <>
      <Box className={classes.filters}>
        {FILTER_KEYS.map(key => (
          <TextField
            key={key}
            id={`regions-filter-${key}`}
            className={classes.filter}
            select
            label={FILTER_LABELS[key]}
            value={filters[key]}
            onChange={(event: ChangeEvent<{ value: unknown }>) =>
              setParams({
                filters: { ...filters, [key]: String(event.target.value) },
                page: 0,
              })
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
          )}{' '}
          {costs.demo && <DemoDataChip />}
        </Typography>
      )}
      <Table<RegionRow>
        title={`Regions (${visible.length})`}
        columns={columns}
        data={visible}
        options={{
          padding: 'dense',
          paging: visible.length > PAGE_SIZE,
          pageSize: PAGE_SIZE,
          pageSizeOptions: [PAGE_SIZE, 50, 100],
          initialPage: params.page,
          search: true,
          searchText: params.search,
          columnsButton: true,
        }}
        onSearchChange={search => setParams({ search, page: 0 })}
        onPageChange={page => setParams({ page })}
        onOrderChange={(index, direction) => {
          const field = index >= 0 ? columns[index]?.field : undefined;
          setParams({
            sort: field ? { field: String(field), direction } : undefined,
          });
        }}
        onChangeColumnHidden={(column, hidden) => {
          const field = String(column.field);
          setParams({
            shown: hidden
              ? shown.filter(f => f !== field)
              : [...shown.filter(f => f !== field), field],
          });
        }}
        emptyContent={<Box p={2}>No regions match the selected filters.</Box>}
      />
    </>
  );
}
