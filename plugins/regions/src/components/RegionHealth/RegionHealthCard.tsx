import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  ProbeHealth,
  REPLICATION_WINDOWS,
  ReplicationWindow,
} from '@meridian/plugin-regions-common';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { regionsApiRef } from '../../api';
import { formatAge } from '../../lib/format';
import { WindowSelector } from '../WindowSelector';
import { HealthStatusChip } from './HealthStatusChip';
import { ProbeLatencyChart } from './ProbeLatencyChart';

const WINDOW_LABELS: Record<ReplicationWindow, string> = {
  '1h': '1 h',
  '24h': '24 h',
  '7d': '7 days',
  '30d': '30 days',
};

// probes check every few seconds; a card refreshed twice a minute is current enough
const REFRESH_MS = 30_000;

const percent = new Intl.NumberFormat(undefined, {
  style: 'percent',
  maximumFractionDigits: 1,
});

function LatencyCell(props: { probe: ProbeHealth }) {
  const { latencyMs, latencyThresholdMs } = props.probe;
  if (latencyMs === null) {
    return <>— / {latencyThresholdMs} ms</>;
  }
  const over = latencyMs > latencyThresholdMs;
  return (
    <Typography
      variant="body2"
      component="span"
      color={over ? 'error' : 'textPrimary'}
    >
      {Math.round(latencyMs)} ms {over ? '>' : '≤'} {latencyThresholdMs} ms
    </Typography>
  );
}

const columns: TableColumn<ProbeHealth>[] = [
  {
    title: 'Probe',
    field: 'name',
    render: probe => (
      <>
        <Typography variant="body2">{probe.name}</Typography>
        <Typography variant="caption" color="textSecondary">
          {probe.kind.toUpperCase()} {probe.target}
        </Typography>
      </>
    ),
  },
  {
    title: 'Status',
    field: 'status',
    render: probe => (
      <>
        <HealthStatusChip status={probe.status} />
        <Typography variant="caption" display="block" color="textSecondary">
          {probe.reason}
        </Typography>
      </>
    ),
  },
  {
    title: 'Failures in a row',
    field: 'consecutiveFailures',
    render: probe =>
      `${probe.consecutiveFailures} (down at ${probe.failuresToDown})`,
  },
  {
    title: 'Last latency / threshold',
    field: 'latencyMs',
    cellStyle: { whiteSpace: 'nowrap' },
    render: probe => <LatencyCell probe={probe} />,
  },
  {
    title: 'Error rate',
    field: 'errorRate',
    render: probe =>
      probe.errorRate === null ? '—' : percent.format(probe.errorRate),
  },
  {
    title: 'Last check',
    field: 'checkedAt',
    render: probe => (
      <>
        {probe.checkedAt ? formatAge(probe.checkedAt) : 'never'}
        {probe.lastError && (
          <Typography variant="caption" display="block" color="error">
            {probe.lastError}
          </Typography>
        )}
      </>
    ),
  },
];

/**
 * The health of the region's probes (`regions.probes`): the region's status
 * and why, each probe's state against its thresholds, and their latency over
 * a window.
 *
 * @public
 */
export function RegionHealthCard(props: { variant?: 'gridItem' }) {
  const { entity } = useEntity();
  const regionsApi = useApi(regionsApiRef);
  const [historyWindow, setHistoryWindow] = useState<ReplicationWindow>('24h');
  const ref = {
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
  };
  const health = useAsyncRetry(
    () => regionsApi.getHealth(ref, historyWindow),
    [regionsApi, ref.namespace, ref.name, historyWindow],
  );
  useInterval(health.retry, REFRESH_MS);

  let body;
  if (health.error) {
    body = (
      <ResponseErrorPanel
        title="Could not load the region's health"
        error={health.error}
      />
    );
  } else if (!health.value) {
    body = <Progress />;
  } else if (health.value.probes.length === 0) {
    body = (
      <Typography variant="body2" color="textSecondary">
        No probes configured for this region — add regions.probes.&lt;name&gt;
        with <code>region: {`${ref.namespace}/${ref.name}`}</code> to the app
        config.
      </Typography>
    );
  } else {
    body = (
      <>
        <Table<ProbeHealth>
          columns={columns}
          data={health.value.probes}
          options={{
            padding: 'dense',
            paging: false,
            search: false,
            toolbar: false,
          }}
        />
        <Box mt={2} mb={1}>
          <WindowSelector
            value={historyWindow}
            options={REPLICATION_WINDOWS}
            labels={WINDOW_LABELS}
            label="Health window"
            onChange={setHistoryWindow}
          />
        </Box>
        <ProbeLatencyChart health={health.value} />
      </>
    );
  }

  return (
    <InfoCard
      title="Health"
      variant={props.variant}
      subheader={
        health.value && (
          <Box display="flex" alignItems="center" gridGap={8}>
            <HealthStatusChip status={health.value.status} />
            <Typography variant="body2">{health.value.reason}</Typography>
          </Box>
        )
      }
    >
      {body}
    </InfoCard>
  );
}
