import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  ANNOTATION_REGION_DATABASE,
  REPLICATION_WINDOWS,
  ReplicationResponse,
  ReplicationWindow,
  StandbyState,
  isRegionEntity,
} from '@meridian/plugin-regions-common';
import { useWindowParam, WindowSelector } from '../WindowSelector';
import { regionsApiRef } from '../../api';
import { useLiveData } from '../../lib/useLiveData';
import { StaleBanner } from '../StaleBanner';
import {
  formatAge,
  formatBytes,
  formatLagSeconds,
  formatRpo,
} from '../../lib/format';
import { orDash } from './orDash';
import { DetailField, DetailSection } from '../RegionOverview/DetailField';
import { ObservedRoleChip } from '../ObservedRole';
import { LagChart } from './LagChart';
import { ReplicationStatusChip } from './ReplicationStatusChip';
import { RoleDriftAlert } from './RoleDriftAlert';
import {
  DirectionsTable,
  ReplicasTable,
  SubscriptionsTable,
} from './ReplicationTables';

/** The collector samples every 10 s by default; refreshing as often shows each sample. */
const REFRESH_INTERVAL_MS = 10_000;
const DEFAULT_WINDOW: ReplicationWindow = '24h';

const WINDOW_LABELS: Record<ReplicationWindow, string> = {
  '1h': '1 h',
  '24h': '24 h',
  '7d': '7 d',
  '30d': '30 d',
};

function ReplicationFacts(props: {
  replication: ReplicationResponse;
  role?: string;
  mode?: string;
  rpoSeconds?: number;
}) {
  const { replication, role, mode, rpoSeconds } = props;
  return (
    <DetailSection title="Database">
      <DetailField label="Declared role">{role}</DetailField>
      <DetailField label="Observed role">
        <ObservedRoleChip role={replication.observedRole} />
      </DetailField>
      <DetailField label="Mode">{mode}</DetailField>
      <DetailField label="RPO target">
        {rpoSeconds !== undefined && formatRpo(rpoSeconds)}
      </DetailField>
      <DetailField label="Database">{replication.database}</DetailField>
      <DetailField label="Source">{replication.source}</DetailField>
      <DetailField label="Last sample">
        <span
          title={
            replication.sampledAt
              ? new Date(replication.sampledAt).toLocaleString()
              : undefined
          }
        >
          {replication.sampledAt
            ? formatAge(replication.sampledAt)
            : 'none yet'}
        </span>
      </DetailField>
    </DetailSection>
  );
}

function StandbyPanel(props: { standby: StandbyState }) {
  const { standby } = props;
  return (
    <InfoCard title="Seen from the standby">
      <DetailSection title="Receiver">
        <DetailField label="Receiver status">
          {standby.receiverStatus}
        </DetailField>
        <DetailField label="Streams from">
          {standby.upstreamRegion ? (
            <EntityRefLink
              entityRef={standby.upstreamRegion}
              defaultKind="region"
            />
          ) : (
            'no known region'
          )}
        </DetailField>
        <DetailField label="Upstream">{standby.upstream ?? '—'}</DetailField>
        <DetailField label="Received up to (LSN)">
          {standby.receiveLsn ?? '—'}
        </DetailField>
        <DetailField label="Replayed up to (LSN)">
          {standby.replayLsn ?? '—'}
        </DetailField>
        <DetailField label="Replay backlog">
          {orDash(standby.replayBacklogBytes, formatBytes)}
        </DetailField>
        <DetailField label="Since last replayed transaction">
          {orDash(standby.lastReplayAgeSeconds, formatLagSeconds)}
        </DetailField>
      </DetailSection>
      {standby.caughtUp && (
        <Box mt={2}>
          <Alert severity="info">
            Caught up: everything received has been replayed. The time since the
            last replayed transaction grows while the primary takes no writes;
            with no bytes left to replay that is an idle primary, not lag, and
            not a breach of the RPO.
          </Alert>
        </Box>
      )}
    </InfoCard>
  );
}

/**
 * The Replication tab of a Region entity: its database's declared role next
 * to the role its node says it has (with the drift between them and how to
 * make the catalog say so), mode and RPO, a status against the RPO, its
 * replicas by kind (physical standbys, logical slots, CDC slots marked not
 * counted), its logical subscriptions, each direction of an `active` region
 * (or, for a standby, its own view of the stream and the region it really
 * streams from) and the lag history over a window kept in the URL
 * (`?window=7d`). Refreshes every 10 seconds.
 *
 * @public
 */
export function ReplicationTab() {
  const { entity } = useEntity();
  const regionsApi = useApi(regionsApiRef);
  const [historyWindow, selectWindow] = useWindowParam(
    REPLICATION_WINDOWS,
    DEFAULT_WINDOW,
  );
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;

  const { value, error, stale, retry } = useLiveData(
    () => regionsApi.getReplication({ namespace, name }, historyWindow),
    [regionsApi, namespace, name, historyWindow],
    { pollMs: REFRESH_INTERVAL_MS, keepOnNewDeps: true },
  );

  if (error && !value) {
    return (
      <ResponseErrorPanel
        title="Could not load replication from the regions backend"
        error={error}
      />
    );
  }
  // A refresh or a new window keeps the last answer on screen rather than
  // flashing a spinner: only the first load has nothing to show.
  if (!value) {
    return <Progress />;
  }
  if (!value.observed) {
    return (
      <EmptyState
        missing="field"
        title="No replication source observes this region"
        description={
          <>
            The regions backend says: {value.reason}. Give the Region entity a{' '}
            <code>{ANNOTATION_REGION_DATABASE}</code> annotation naming a node
            of <code>regions.databases</code> in the app config, and it samples
            the region's replication from then on.
          </>
        }
      />
    );
  }
  if (!value.source && !value.sampledAt) {
    return (
      <EmptyState
        missing="data"
        title="No replication sample yet"
        description={`The regions backend says: ${value.reason}.`}
      />
    );
  }

  // The entity declares what the backend may not echo back.
  const declared = isRegionEntity(entity) ? entity.spec.replication : undefined;
  const role = value.role ?? declared?.role;
  const mode = value.mode ?? declared?.mode;
  const rpoSeconds = value.rpoSeconds ?? declared?.rpoSeconds;
  // Without any sample, an empty list says nothing about attached replicas.
  const showReplicas =
    value.replicas.length > 0 || (!value.standby && value.sampledAt !== null);

  return (
    <Grid container spacing={3}>
      {stale && (
        <Grid item xs={12}>
          <StaleBanner stale={stale} what="replication" />
        </Grid>
      )}
      {value.drift && (
        <Grid item xs={12}>
          <RoleDriftAlert
            drift={value.drift}
            region={{ kind: entity.kind, namespace, name }}
            onFixed={retry}
          />
        </Grid>
      )}
      {value.status === 'unknown' && (
        <Grid item xs={12}>
          <WarningPanel
            defaultExpanded
            title="Replication status is unknown"
            message={value.reason}
          />
        </Grid>
      )}
      <Grid item xs={12}>
        <InfoCard title="Replication">
          <Box display="flex" alignItems="center" mb={2} style={{ gap: 8 }}>
            <ReplicationStatusChip status={value.status} />
            {/* the warning above already says why it is unknown */}
            {value.status !== 'unknown' && (
              <Typography variant="body2">{value.reason}</Typography>
            )}
          </Box>
          <ReplicationFacts
            replication={value}
            role={role}
            mode={mode}
            rpoSeconds={rpoSeconds}
          />
        </InfoCard>
      </Grid>
      {value.standby && (
        <Grid item xs={12}>
          <StandbyPanel standby={value.standby} />
        </Grid>
      )}
      {value.directions && (
        <Grid item xs={12}>
          <DirectionsTable
            directions={value.directions}
            rpoSeconds={rpoSeconds}
          />
        </Grid>
      )}
      {showReplicas && (
        <Grid item xs={12}>
          <ReplicasTable replicas={value.replicas} rpoSeconds={rpoSeconds} />
        </Grid>
      )}
      {value.subscriptions.length > 0 && (
        <Grid item xs={12}>
          <SubscriptionsTable
            subscriptions={value.subscriptions}
            rpoSeconds={rpoSeconds}
          />
        </Grid>
      )}
      <Grid item xs={12}>
        <InfoCard
          title="Lag over time"
          action={
            <WindowSelector
              value={historyWindow}
              options={REPLICATION_WINDOWS}
              labels={WINDOW_LABELS}
              label="History window"
              onChange={selectWindow}
            />
          }
        >
          <LagChart
            history={value.history}
            historyWindow={value.window}
            rpoSeconds={rpoSeconds}
          />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
