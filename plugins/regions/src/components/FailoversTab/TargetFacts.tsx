import { parseEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import {
  ReadinessResponse,
  ReplicationResponse,
} from '@meridian/plugin-regions-common';
import { ReactNode } from 'react';
import { regionsApiRef } from '../../api';
import {
  formatAge,
  formatBytes,
  formatLag,
  formatScore,
} from '../../lib/format';
import { LiveData, useLiveData } from '../../lib/useLiveData';
import { ObservedRoleChip } from '../ObservedRole';
import { ReadinessChip } from '../ReadinessTab';
import { ReplicationStatusChip } from '../ReplicationTab';
import { DetailField, DetailSection } from '../RegionOverview/DetailField';

/** The facts change while the dialog is open: read them again this often. */
const REFRESH_INTERVAL_MS = 10_000;

/** A fact still loading, that could not be read (or not again), or its rendering. */
function factOf<T>(
  state: LiveData<T>,
  render: (value: T) => ReactNode,
): ReactNode {
  if (state.stale && state.value !== undefined) {
    return (
      <>
        {render(state.value)}{' '}
        <Typography component="span" variant="body2" color="error">
          (read {formatAge(new Date(state.stale.since).toISOString())}; could
          not read it again: {state.stale.error.message})
        </Typography>
      </>
    );
  }
  if (state.error) {
    return (
      <Typography component="span" variant="body2" color="error">
        Could not read it: {state.error.message}
      </Typography>
    );
  }
  if (state.value === undefined) {
    return state.loading ? 'reading…' : undefined;
  }
  return render(state.value);
}

function replicationOf(replication: ReplicationResponse) {
  return (
    <>
      <ReplicationStatusChip status={replication.status} /> {replication.reason}
    </>
  );
}

function receiverOf(replication: ReplicationResponse) {
  const standby = replication.standby;
  if (!standby) {
    return 'no standby view';
  }
  return standby.replayBacklogBytes === null
    ? standby.receiverStatus
    : `${standby.receiverStatus}, ${formatBytes(
        standby.replayBacklogBytes,
      )} to replay`;
}

/** The standby's latest lag sample, in time and bytes. */
function lagOf(replication: ReplicationResponse) {
  const latest = [...replication.history]
    .reverse()
    .find(point => point.lagSeconds !== null || point.lagBytes !== null);
  return latest ? formatLag(latest.lagSeconds, latest.lagBytes) : 'no sample';
}

function roleOf(replication: ReplicationResponse) {
  return (
    <ObservedRoleChip
      role={replication.observedRole}
      drift={replication.drift?.message}
    />
  );
}

function readinessOf(readiness: ReadinessResponse) {
  if (!readiness.evaluatedAt) {
    return 'not evaluated yet';
  }
  return (
    <>
      <ReadinessChip score={readiness.score} ready={readiness.ready} />{' '}
      threshold {formatScore(readiness.threshold)}, evaluated{' '}
      {formatAge(readiness.evaluatedAt)}
    </>
  );
}

/**
 * What the operator should know of the standby before promoting it: the
 * role its node says it has, its replication as the Replication tab shows it
 * (status against the RPO, its latest lag, its receiver and replay backlog,
 * the last sample) and its readiness score as the Readiness tab shows it.
 * Read again every 10 s while the dialog is open.
 */
export function TargetFacts(props: { target: string }) {
  const regionsApi = useApi(regionsApiRef);
  const { namespace, name } = parseEntityRef(props.target);
  // only the latest sample matters here: the shortest window is enough
  const replication = useLiveData(
    () => regionsApi.getReplication({ namespace, name }, '1h'),
    [regionsApi, namespace, name],
    { pollMs: REFRESH_INTERVAL_MS },
  );
  const readiness = useLiveData(
    () => regionsApi.getReadiness({ namespace, name }),
    [regionsApi, namespace, name],
    { pollMs: REFRESH_INTERVAL_MS },
  );

  return (
    <DetailSection title={`Target ${name}`}>
      <DetailField label="Observed role" width={3}>
        {factOf(replication, roleOf)}
      </DetailField>
      <DetailField label="Replication" width={6}>
        {factOf(replication, replicationOf)}
      </DetailField>
      <DetailField label="Lag" width={3}>
        {factOf(replication, lagOf)}
      </DetailField>
      <DetailField label="Receiver" width={6}>
        {factOf(replication, receiverOf)}
      </DetailField>
      <DetailField label="Last sample" width={6}>
        {factOf(replication, r =>
          r.sampledAt ? formatAge(r.sampledAt) : 'none yet',
        )}
      </DetailField>
      <DetailField label="Readiness" width={12}>
        {factOf(readiness, readinessOf)}
      </DetailField>
    </DetailSection>
  );
}
