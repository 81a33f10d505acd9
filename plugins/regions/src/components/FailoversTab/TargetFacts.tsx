import { parseEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import {
  ReadinessResponse,
  ReplicationResponse,
} from '@meridian/plugin-regions-common';
import { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { regionsApiRef } from '../../api';
import { formatAge, formatBytes } from '../../lib/format';
import { ReadinessChip } from '../ReadinessTab';
import { formatScore } from '../ReadinessTab/ReadinessChip';
import { ReplicationStatusChip } from '../ReplicationTab';
import { DetailField, DetailSection } from '../RegionOverview/DetailField';

/** A fact still loading, that could not be read, or its rendering. */
function factOf<T>(
  state: { loading: boolean; error?: Error; value?: T },
  render: (value: T) => ReactNode,
): ReactNode {
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
 * What the operator should know of the standby before promoting it: its
 * replication as the Replication tab shows it (status against the RPO, its
 * receiver and replay backlog, the last sample) and its readiness score as
 * the Readiness tab shows it.
 */
export function TargetFacts(props: { target: string }) {
  const regionsApi = useApi(regionsApiRef);
  const { namespace, name } = parseEntityRef(props.target);
  // only the latest sample matters here: the shortest window is enough
  const replication = useAsync(
    () => regionsApi.getReplication({ namespace, name }, '1h'),
    [regionsApi, namespace, name],
  );
  const readiness = useAsync(
    () => regionsApi.getReadiness({ namespace, name }),
    [regionsApi, namespace, name],
  );

  return (
    <DetailSection title={`Target ${name}`}>
      <DetailField label="Replication" width={6}>
        {factOf(replication, replicationOf)}
      </DetailField>
      <DetailField label="Receiver" width={3}>
        {factOf(replication, receiverOf)}
      </DetailField>
      <DetailField label="Last sample" width={3}>
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
