import { parseEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  EntityRefLink,
  humanizeEntityRef,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  ANNOTATION_OPENCOST_CLUSTERS,
  COST_BUCKETS,
  COST_WINDOWS,
  CostBucket,
  CostResponse,
  CostWindow,
  RegionCostSummary,
} from '@meridian/plugin-regions-common';
import { useWindowParam, WindowSelector } from '../WindowSelector';
import { regionsApiRef } from '../../api';
import { useLiveData } from '../../lib/useLiveData';
import { StaleBanner } from '../StaleBanner';
import { formatAge } from '../../lib/format';
import { DetailField, DetailSection } from '../RegionOverview/DetailField';
import { BudgetStatusChip } from './BudgetStatusChip';
import { DEMO_DATA_EXPLANATION, DemoDataChip } from './DemoDataChip';
import { BUCKET_LABELS, CostChart } from './CostChart';
import { formatChange, formatMoney, formatPercent } from '../../lib/format';

const DEFAULT_WINDOW: CostWindow = '30d';
/** The backend reads costs every hour: a few minutes is fresh enough. */
const REFRESH_INTERVAL_MS = 5 * 60_000;

const WINDOW_LABELS: Record<CostWindow, string> = {
  '7d': '7 days',
  '30d': '30 days',
  '90d': '90 days',
};

/** Where the data stands: its age, and why it may be missing or old. */
function DataNotice(props: { cost: CostResponse }) {
  const { cost } = props;
  if (!cost.problem) {
    return null;
  }
  const collectedAt = cost.month.collectedAt;
  const age = collectedAt
    ? `Showing the costs read ${formatAge(collectedAt)} (${new Date(
        collectedAt,
      ).toLocaleString()}).`
    : 'No costs have been read for this region yet.';
  let title = 'Costs may be incomplete';
  if (!cost.observed) {
    title = 'OpenCost is not configured';
  } else if (cost.failedAt) {
    title = 'Could not read costs from OpenCost';
  }
  return (
    <WarningPanel defaultExpanded title={title} message={cost.problem}>
      <Typography variant="body2">{age}</Typography>
    </WarningPanel>
  );
}

function MonthCard(props: { cost: CostResponse }) {
  const { month, currency, demo } = props.cost;
  return (
    <InfoCard title="This month">
      <Box display="flex" alignItems="center" mb={2} style={{ gap: 8 }}>
        <BudgetStatusChip status={month.status} />
        {demo && <DemoDataChip />}
      </Box>
      <DetailSection title="Month against budget">
        <DetailField label="Month to date">
          {formatMoney(month.monthToDate, currency)}
        </DetailField>
        <DetailField label="Month-end forecast">
          {formatMoney(month.forecast, currency)}
        </DetailField>
        <DetailField label="Monthly budget">
          {month.budget &&
            formatMoney(month.budget.monthly, month.budget.currency)}
        </DetailField>
        <DetailField label="Clusters">
          {props.cost.clusters.join(', ')}
        </DetailField>
        <DetailField label="Read">
          {month.collectedAt && (
            <span title={new Date(month.collectedAt).toLocaleString()}>
              {formatAge(month.collectedAt)}
            </span>
          )}
        </DetailField>
      </DetailSection>
    </InfoCard>
  );
}

interface BreakdownRow {
  id: CostBucket | 'total';
  label: string;
  amount: number;
  share: number | null;
}

function BreakdownTable(props: { cost: CostResponse }) {
  const { cost } = props;
  const rows: BreakdownRow[] = [
    ...COST_BUCKETS.map(bucket => ({
      id: bucket,
      label: BUCKET_LABELS[bucket],
      amount: cost.breakdown[bucket],
      share: cost.total > 0 ? cost.breakdown[bucket] / cost.total : null,
    })),
    { id: 'total', label: 'Total', amount: cost.total, share: null },
  ];
  const columns: TableColumn<BreakdownRow>[] = [
    { title: 'Bucket', field: 'label', highlight: true },
    {
      title: 'Cost',
      render: row => formatMoney(row.amount, cost.currency),
      align: 'right',
    },
    {
      title: 'Share',
      render: row => (row.share === null ? '' : formatPercent(row.share)),
      align: 'right',
    },
  ];
  return (
    <Table<BreakdownRow>
      title={`Breakdown over ${WINDOW_LABELS[cost.window]}`}
      columns={columns}
      data={rows}
      options={{ padding: 'dense', paging: false, search: false }}
    />
  );
}

function EfficiencyCard(props: { cost: CostResponse }) {
  const { cost } = props;
  const { previous } = cost;
  let comparison = 'no data for the period before';
  if (previous.change !== null) {
    comparison = `${formatChange(previous.change)} (${formatMoney(
      previous.total,
      cost.currency,
    )} the ${WINDOW_LABELS[cost.window]} before)`;
  }
  return (
    <InfoCard title="Efficiency and idle">
      <DetailSection title="Efficiency">
        <DetailField label="CPU efficiency">
          {formatPercent(cost.efficiency.cpu)}
        </DetailField>
        <DetailField label="RAM efficiency">
          {formatPercent(cost.efficiency.ram)}
        </DetailField>
        <DetailField label="Total efficiency">
          {formatPercent(cost.efficiency.total)}
        </DetailField>
        <DetailField label="Idle cost">
          {formatMoney(cost.breakdown.idle, cost.currency)}
          {cost.idleEstimated && ' (estimated)'}
        </DetailField>
        <DetailField label={`Total over ${WINDOW_LABELS[cost.window]}`}>
          {formatMoney(cost.total, cost.currency)}
        </DetailField>
        <DetailField label="Against the period before">
          {comparison}
        </DetailField>
      </DetailSection>
    </InfoCard>
  );
}

function SpokesTable(props: { cost: CostResponse }) {
  const { cost } = props;
  const hubAndSpokes = cost.spokes.reduce(
    (sum, spoke) => sum + spoke.monthToDate,
    cost.month.monthToDate,
  );
  const columns: TableColumn<RegionCostSummary>[] = [
    {
      title: 'Spoke',
      highlight: true,
      render: spoke => (
        <EntityRefLink entityRef={spoke.region}>
          {humanizeEntityRef(parseEntityRef(spoke.region), {
            defaultKind: 'region',
          })}
        </EntityRefLink>
      ),
    },
    {
      title: 'Month to date',
      render: spoke => formatMoney(spoke.monthToDate, cost.currency),
    },
    {
      title: 'Forecast',
      render: spoke => formatMoney(spoke.forecast, cost.currency),
    },
    {
      title: 'Budget',
      render: spoke =>
        spoke.budget
          ? formatMoney(spoke.budget.monthly, spoke.budget.currency)
          : '—',
    },
    {
      title: 'Status',
      render: spoke => <BudgetStatusChip status={spoke.status} />,
    },
  ];
  return (
    <Table<RegionCostSummary>
      title={`Spokes (${cost.spokes.length})`}
      subtitle={`This hub and its spokes this month: ${formatMoney(
        hubAndSpokes,
        cost.currency,
      )}`}
      columns={columns}
      data={cost.spokes}
      options={{ padding: 'dense', paging: false, search: false }}
    />
  );
}

/**
 * The Cost tab of a Region entity: month-to-date spend and month-end
 * forecast against `spec.budget`, daily cost over 7, 30 or 90 days (kept in
 * the URL as `?window=`), a breakdown that adds up to the total, efficiency
 * and idle cost, the change against the period before, and for a hub its
 * spokes. When OpenCost is not configured or fails it says so and shows the
 * last costs read, with their age.
 *
 * @public
 */
export function CostTab() {
  const { entity } = useEntity();
  const regionsApi = useApi(regionsApiRef);
  const [costWindow, selectWindow] = useWindowParam(
    COST_WINDOWS,
    DEFAULT_WINDOW,
  );
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;

  const { value, error, stale } = useLiveData(
    () => regionsApi.getCost({ namespace, name }, costWindow),
    [regionsApi, namespace, name, costWindow],
    { pollMs: REFRESH_INTERVAL_MS, keepOnNewDeps: true },
  );

  if (error && !value) {
    return (
      <ResponseErrorPanel
        title="Could not load costs from the regions backend"
        error={error}
      />
    );
  }
  // a new window keeps the last answer on screen rather than flashing a spinner
  if (!value) {
    return <Progress />;
  }
  if (!value.observed && !value.month.collectedAt) {
    return (
      <EmptyState
        missing="field"
        title="OpenCost is not configured"
        description={
          <>
            The regions backend says: {value.problem}. Once it is, the costs of
            the region's clusters are read every hour: the{' '}
            <code>{ANNOTATION_OPENCOST_CLUSTERS}</code> annotation names them,
            and the region's name is used when it is absent.
          </>
        }
      />
    );
  }
  if (!value.month.collectedAt && !value.failedAt) {
    return (
      <EmptyState
        missing="data"
        title="No costs read yet"
        description={`The regions backend says: ${value.problem}.`}
      />
    );
  }

  return (
    <Grid container spacing={3}>
      {value.demo && (
        <Grid item xs={12}>
          <Box display="flex" alignItems="center" style={{ gap: 8 }}>
            <DemoDataChip />
            <Typography variant="body2" color="textSecondary">
              {DEMO_DATA_EXPLANATION}
            </Typography>
          </Box>
        </Grid>
      )}
      {stale && (
        <Grid item xs={12}>
          <StaleBanner stale={stale} what="costs" />
        </Grid>
      )}
      {value.problem && (
        <Grid item xs={12}>
          <DataNotice cost={value} />
        </Grid>
      )}
      <Grid item xs={12} md={6}>
        <MonthCard cost={value} />
      </Grid>
      <Grid item xs={12} md={6}>
        <EfficiencyCard cost={value} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Daily cost"
          action={
            <WindowSelector
              value={costWindow}
              options={COST_WINDOWS}
              labels={WINDOW_LABELS}
              label="Cost window"
              onChange={selectWindow}
            />
          }
        >
          <CostChart daily={value.daily} currency={value.currency} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <BreakdownTable cost={value} />
      </Grid>
      {value.spokes.length > 0 && (
        <Grid item xs={12}>
          <SpokesTable cost={value} />
        </Grid>
      )}
    </Grid>
  );
}
