import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { FailoverRun, TopologyResponse } from '@meridian/plugin-regions-common';
import { useEffect, useState } from 'react';
import { regionsApiRef } from '../../api';
import { runbookPath } from '../../lib/runbooks';
import { useLiveData } from '../../lib/useLiveData';
import { FailoverPreset } from './StartFailoverDialog';
import { displayName, upstreamOf } from './StandbyChoice';
import { useFailoverPermission } from './useFailoverPermission';

/** Whether failing back can follow the run: a promotion Meridian made, that succeeded. */
function promotedByMeridian(run: FailoverRun): boolean {
  return (
    (run.mode === 'switchover' || run.mode === 'failover') &&
    !run.dryRun &&
    run.status === 'succeeded'
  );
}

/**
 * Whether the run's old primary can take the primary role back: `ready` once
 * it streams from the run's target again, `reattach` while it does not;
 * undefined when failing back does not apply (not a promotion Meridian made
 * that succeeded, or the target is no longer the primary: superseded).
 */
function failbackState(
  run: FailoverRun,
  topology: TopologyResponse,
): 'ready' | 'reattach' | undefined {
  if (!promotedByMeridian(run)) {
    return undefined;
  }
  const newPrimary = topology.regions.find(r => r.ref === run.target);
  const oldPrimary = topology.regions.find(r => r.ref === run.region);
  const role = newPrimary?.replication?.observedRole;
  if (
    !newPrimary ||
    !oldPrimary ||
    (role && role !== 'unknown' && role !== 'primary')
  ) {
    return undefined;
  }
  return upstreamOf(oldPrimary) === run.target ? 'ready' : 'reattach';
}

/** How often the offer looks again while the old primary is being re-attached. */
export const FAILBACK_POLL_MS = 10_000;
/**
 * How long after a run the offer keeps looking for the collector to observe
 * its promotion (a few collector ticks), before the run counts as superseded.
 */
const OBSERVE_PROMOTION_MS = 5 * 60_000;

/** The failback runbook in short: what makes the old primary a standby of the new one. */
function ReattachSteps(props: {
  oldPrimary: string;
  newPrimary: string;
  observedRole?: string;
  runbooksSite?: string;
  onCheckAgain: () => void;
}) {
  const { oldPrimary, newPrimary, observedRole, runbooksSite, onCheckAgain } =
    props;
  return (
    <Alert
      severity="info"
      action={
        <Button color="inherit" size="small" onClick={onCheckAgain}>
          Check again
        </Button>
      }
    >
      <AlertTitle>
        To fail back, first re-attach {oldPrimary} as a standby of {newPrimary}
      </AlertTitle>
      {oldPrimary} does not stream from {newPrimary}
      {observedRole && observedRole !== 'unknown'
        ? ` (its node says it is ${observedRole})`
        : ''}
      . Following the failback runbook
      {runbooksSite && (
        <>
          {' '}
          (
          <Link to={runbookPath(runbooksSite, 'failback')}>
            Failback (pg_rewind)
          </Link>
          )
        </>
      )}
      :
      <ol aria-label="Re-attach steps">
        <li>
          Stop PostgreSQL on {oldPrimary}'s node if it still runs: it must not
          take writes.
        </li>
        <li>
          Rewind it onto {newPrimary}'s timeline with <code>pg_rewind</code> (
          <code>--source-server</code> naming {newPrimary}'s node).
        </li>
        <li>
          Create <code>standby.signal</code> in its data directory and point{' '}
          <code>primary_conninfo</code> at {newPrimary}'s node.
        </li>
        <li>Start it.</li>
        <li>
          Check that it streams from {newPrimary} (its Replication tab), then
          check again here.
        </li>
      </ol>
    </Alert>
  );
}

/**
 * After a succeeded switchover or failover: "Fail back" (a switchover back
 * to the old primary, the dialog preset) once the old primary streams from
 * the new one, as the observed topology says; until then the steps that
 * re-attach it.
 */
export function FailbackOffer(props: {
  run: FailoverRun;
  runbooksSite?: string;
  onFailBack: (preset: FailoverPreset) => void;
}) {
  const { run, runbooksSite, onFailBack } = props;
  const regionsApi = useApi(regionsApiRef);
  const permission = useFailoverPermission();
  const applies = promotedByMeridian(run);
  // Looks again while the operator re-attaches the old primary, and while
  // the collector has not yet observed the run's promotion.
  const [watching, setWatching] = useState(true);
  const topology = useLiveData(
    async () => (applies ? regionsApi.getTopology() : undefined),
    [regionsApi, applies],
    { pollMs: applies && watching ? FAILBACK_POLL_MS : null },
  );
  const state = topology.value && failbackState(run, topology.value);
  const observing =
    state === undefined &&
    Date.now() - Date.parse(run.finishedAt ?? '') < OBSERVE_PROMOTION_MS;
  const keepWatching = state === 'reattach' || observing;
  useEffect(() => setWatching(keepWatching), [keepWatching]);
  if (!state) {
    return null;
  }
  const oldPrimary = displayName(run.region);
  const newPrimary = displayName(run.target);
  if (state === 'reattach') {
    const observedRole = topology.value?.regions.find(r => r.ref === run.region)
      ?.replication?.observedRole;
    return (
      <Box mb={2}>
        <ReattachSteps
          oldPrimary={oldPrimary}
          newPrimary={newPrimary}
          observedRole={observedRole}
          runbooksSite={runbooksSite}
          onCheckAgain={topology.retry}
        />
      </Box>
    );
  }
  return (
    <Box mb={2}>
      <Alert
        severity="info"
        action={
          <Button
            color="inherit"
            variant="outlined"
            size="small"
            disabled={!permission.allowed}
            onClick={() =>
              onFailBack({
                region: run.target,
                target: run.region,
                mode: 'switchover',
              })
            }
          >
            Fail back
          </Button>
        }
      >
        {oldPrimary} streams from {newPrimary} again: it can take the primary
        role back with a switchover.
        {permission.reason && (
          <Typography variant="body2">{permission.reason}</Typography>
        )}
      </Alert>
    </Box>
  );
}
