import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { ResponseError } from '@backstage/errors';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { FailoverRun } from '@meridian/plugin-regions-common';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { regionsApiRef } from '../../api';
import { useLiveData } from '../../lib/useLiveData';
import { StaleBanner } from '../StaleBanner';
import { FailoverRunsTable } from './FailoverRunsTable';
import { FailoverPreset, StartFailoverDialog } from './StartFailoverDialog';
import { isRunActive } from './runFormat';
import { useFailoverPermission } from './useFailoverPermission';
import {
  RUNBOOK_PAGES,
  runbookPath,
  useRunbooksSite,
} from '../../lib/runbooks';

/** A run's steps last from milliseconds to seconds: poll often while one runs. */
const LIVE_REFRESH_MS = 1000;
/** The run to expand and follow, e.g. `?run=<id>` from the scaffolder's output. */
const RUN_PARAM = 'run';
const NOT_ALLOWED_ID = 'failover-not-allowed';

function RunbookLinks(props: { site?: string }) {
  const { site } = props;
  if (!site) {
    return (
      <Typography variant="body2" color="textSecondary">
        No runbooks are registered for this region: add the{' '}
        <code>backstage.io/techdocs-ref</code> (or{' '}
        <code>backstage.io/techdocs-entity</code>) annotation to publish them
        with TechDocs.
      </Typography>
    );
  }
  return (
    <Typography variant="body2" component="nav" aria-label="Runbooks">
      Runbooks:{' '}
      {RUNBOOK_PAGES.map((runbook, index) => (
        <span key={runbook.page}>
          {index > 0 && ' · '}
          <Link to={runbookPath(site, runbook.page)}>{runbook.title}</Link>
        </span>
      ))}
    </Typography>
  );
}

/**
 * The Failovers tab of a Region entity: every drill, switchover and failover
 * where the region was the source or the target, newest first, each expanding
 * to its pre-flight checks, fence, steps and logs (and, when interrupted, a
 * Resume button); a "Fail over…" button to start one, disabled with the
 * reason for users without `regions.failover.run` on the region; links to the
 * runbooks. Refreshes every second while a run is pending or running, so a
 * run's steps appear as they happen; a failed refresh keeps the runs on
 * screen, marked stale, and is retried with a growing delay. A `?run=` link
 * to a run the backend does not know stops being followed, and says so.
 *
 * @public
 */
export function FailoversTab() {
  const { entity } = useEntity();
  const regionsApi = useApi(regionsApiRef);
  const [searchParams, setSearchParams] = useSearchParams();
  const followedRunId = searchParams.get(RUN_PARAM) ?? undefined;
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const runbooksSite = useRunbooksSite(entity);
  const permission = useFailoverPermission();

  const [dialog, setDialog] = useState<{
    open: boolean;
    preset?: FailoverPreset;
  }>({ open: false });
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(
    () => new Set(followedRunId ? [followedRunId] : []),
  );

  // whether a run is followed live, from the last render's answers
  const [live, setLive] = useState(false);
  const list = useLiveData(
    () => regionsApi.listFailovers({ namespace, name }),
    [regionsApi, namespace, name],
    { pollMs: live ? LIVE_REFRESH_MS : null },
  );
  // A run just started (or linked to) may not be in the list yet: read it alone.
  const followedMissing = Boolean(
    followedRunId &&
      list.value &&
      !list.value.runs.some(run => run.id === followedRunId),
  );
  const followed = useLiveData(
    async () =>
      followedMissing && followedRunId
        ? regionsApi.getFailover(followedRunId)
        : undefined,
    [regionsApi, followedRunId, followedMissing],
    { pollMs: live ? LIVE_REFRESH_MS : null },
  );
  // a 404 (or 403): the backend will not show this run, however often asked
  const followedUnknown = followedMissing && followed.gaveUp;

  const runs: FailoverRun[] = list.value ? [...list.value.runs] : [];
  if (followedMissing && followed.value) {
    runs.unshift(followed.value);
  }
  const nowLive =
    runs.some(isRunActive) ||
    (followedMissing && !followed.value && !followedUnknown);
  useEffect(() => setLive(nowLive), [nowLive]);

  const toggle = (runId: string) =>
    setExpanded(previous => {
      const next = new Set(previous);
      if (!next.delete(runId)) {
        next.add(runId);
      }
      return next;
    });

  /** Expands a run just started or resumed, and polls until it ends. */
  const follow = (runId: string) => {
    setExpanded(previous => new Set(previous).add(runId));
    const params = new URLSearchParams(searchParams);
    params.set(RUN_PARAM, runId);
    setSearchParams(params);
    list.retry();
  };

  const closeDialog = () =>
    setDialog(previous => ({ ...previous, open: false }));

  const onStarted = (runId: string) => {
    closeDialog();
    follow(runId);
  };

  const startButton = (
    <Box display="flex" flexDirection="column" alignItems="flex-end">
      <Button
        variant="contained"
        color="primary"
        disabled={!permission.allowed}
        aria-describedby={permission.reason ? NOT_ALLOWED_ID : undefined}
        onClick={() => setDialog({ open: true })}
      >
        Fail over…
      </Button>
      {permission.reason && (
        <Box maxWidth={320} mt={0.5} textAlign="right">
          <Typography
            id={NOT_ALLOWED_ID}
            variant="caption"
            color="textSecondary"
          >
            {permission.reason}
          </Typography>
        </Box>
      )}
    </Box>
  );

  let body;
  const followedProblem = followedMissing && followed.error && (
    <Box mb={2}>
      <WarningPanel
        title={
          followedUnknown
            ? `Run ${followedRunId} is not known to the regions backend: it is no longer followed`
            : `Could not read run ${followedRunId} yet; retrying`
        }
        message={followed.error.message}
      />
    </Box>
  );

  if (list.error && !list.value) {
    const forbidden =
      list.error instanceof ResponseError && list.error.statusCode === 403;
    body = (
      <ResponseErrorPanel
        title={
          forbidden
            ? 'You are not allowed to see the failover runs of this region'
            : 'Could not load failover runs from the regions backend'
        }
        error={list.error}
      />
    );
  } else if (!list.value) {
    body = <Progress />;
  } else if (runs.length === 0) {
    body = (
      <>
        <StaleBanner stale={list.stale} what="the runs" />
        {followedProblem}
        <EmptyState
          missing="data"
          title="No failover has run for this region yet"
          description="Run a drill first (Fail over… above, mode Drill): it runs every pre-flight check against the standby and changes nothing."
        />
      </>
    );
  } else {
    body = (
      <>
        <StaleBanner stale={list.stale} what="the runs" />
        {followedProblem}
        <FailoverRunsTable
          runs={runs}
          expanded={expanded}
          onToggle={toggle}
          onFollow={follow}
          onFailBack={preset => setDialog({ open: true, preset })}
          runbooksSite={runbooksSite}
        />
      </>
    );
  }

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard title="Failovers" action={<Box p={1}>{startButton}</Box>}>
          <Typography variant="body2" paragraph>
            Drills, planned switchovers and emergency failovers where this
            region was the source or the target, and promotions Meridian
            detected but did not make, with their measured RTO (write
            unavailability) and data loss.
          </Typography>
          <RunbookLinks site={runbooksSite} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        {body}
      </Grid>
      <StartFailoverDialog
        entity={entity}
        preset={dialog.preset}
        open={dialog.open}
        onClose={closeDialog}
        onStarted={onStarted}
        onRefused={list.retry}
      />
    </Grid>
  );
}
