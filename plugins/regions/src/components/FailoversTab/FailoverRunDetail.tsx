import {
  Link,
  LogViewer,
  Progress,
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import {
  FailoverRun,
  FailoverStep,
  FailoverStepStatus,
} from '@meridian/plugin-regions-common';
import { ReactNode, Suspense } from 'react';
import { formatBytes, formatScore } from '../../lib/format';
import { CancelRun } from './CancelRun';
import { FailbackOffer } from './FailbackOffer';
import { PreflightChecklist } from './PreflightChecklist';
import { ResumeRunAlert } from './ResumeRunAlert';
import { RunApprovals } from './RunApprovals';
import { RunDetection } from './RunDetection';
import { RunFence } from './RunFence';
import { elapsedMs, formatDurationMs, isRunActive } from './runFormat';
import { FailoverPreset } from './StartFailoverDialog';
import { displayName } from './StandbyChoice';
import {
  RUNBOOK_OF_MODE,
  RUNBOOK_PAGES,
  runbookPath,
} from '../../lib/runbooks';

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: { marginBottom: theme.spacing(1.5) },
  header: { display: 'flex', alignItems: 'baseline', gap: theme.spacing(1) },
  log: { margin: theme.spacing(0.5, 0, 0, 3) },
}));

/** LogViewer's search bar and each of its lines, in pixels. */
const LOG_HEADER_PX = 48;
const LOG_LINE_PX = 20;
/** A long log scrolls inside the viewer rather than pushing the steps apart. */
const LOG_MAX_LINES = 15;

const STEP_STATUS_ICONS: Record<
  FailoverStepStatus,
  (text: string) => ReactNode
> = {
  pending: text => <StatusPending>{text}</StatusPending>,
  running: text => <StatusRunning>{text}</StatusRunning>,
  succeeded: text => <StatusOK>{text}</StatusOK>,
  failed: text => <StatusError>{text}</StatusError>,
  skipped: text => <StatusAborted>{text}</StatusAborted>,
};

function StepItem(props: { run: FailoverRun; step: FailoverStep }) {
  const { run, step } = props;
  const classes = useStyles();
  const offset = (t: string) =>
    `+${formatDurationMs(elapsedMs(run.createdAt, t))}`;
  let timing = '';
  if (step.startedAt) {
    const duration = formatDurationMs(
      elapsedMs(step.startedAt, step.finishedAt),
    );
    timing = step.finishedAt
      ? `started ${offset(step.startedAt)}, took ${duration}`
      : `started ${offset(step.startedAt)}, running for ${duration}`;
  }
  return (
    <li className={classes.item} aria-label={step.title}>
      <div className={classes.header}>
        {STEP_STATUS_ICONS[step.status](step.title)}
        <Typography variant="body2" color="textSecondary">
          {step.status}
          {timing && ` · ${timing}`}
        </Typography>
      </div>
      {step.log.length > 0 && (
        <Box
          className={classes.log}
          height={
            LOG_HEADER_PX +
            LOG_LINE_PX * Math.min(step.log.length, LOG_MAX_LINES) +
            LOG_LINE_PX
          }
        >
          {/* LogViewer loads lazily: a run expanded by a click waits here */}
          <Suspense fallback={<Progress />}>
            <LogViewer
              text={step.log
                .map(line => `${offset(line.t)}  ${line.message}`)
                .join('\n')}
            />
          </Suspense>
        </Box>
      )}
      {step.error && (
        <Box ml={3} mt={0.5}>
          <Alert severity="error">{step.error}</Alert>
        </Box>
      )}
    </li>
  );
}

/** How long the backend holds each canary step when the run does not say. */
const DEFAULT_CANARY_PAUSE_SECONDS = 30;

/** The step the split-brain guard appends after the run when the old primary took writes again. */
const LATE_STEP_ID = 're-fence';

/**
 * Everything recorded about one run: Cancel while it may be cancelled; its
 * outcome (RTO, data loss, or why it failed or who cancelled it; for an
 * interrupted run, a Resume button; after a succeeded switchover or
 * failover, Fail back or the steps before it); its approvals (Approve for
 * another owner while it awaits them); for a detected promotion, what was
 * seen of it; how the old primary was fenced and the operator's
 * attestation, the pre-flight checks with the fact that decided each, and
 * every step with its status, timings (relative to the run's start) and log,
 * the late re-fence of the split-brain guard apart.
 */
export function FailoverRunDetail(props: {
  run: FailoverRun;
  /** Called once the backend has accepted to resume, approve or cancel the run. */
  onFollow: (runId: string) => void;
  onFailBack: (preset: FailoverPreset) => void;
  runbooksSite?: string;
}) {
  const { run, onFollow, onFailBack, runbooksSite } = props;
  const classes = useStyles();
  const runbook = RUNBOOK_PAGES.find(
    page => page.page === RUNBOOK_OF_MODE[run.mode],
  )!;
  const plannedSteps = run.steps.filter(step => step.id !== LATE_STEP_ID);
  const lateSteps = run.steps.filter(step => step.id === LATE_STEP_ID);
  const failedRefence = lateSteps.find(step => step.status === 'failed');
  // Meridian did not make a detected promotion: no pre-flight, no actions
  const detected = run.mode === 'detected';
  return (
    <Box py={2} aria-label={`Run ${run.id}`} role="region">
      <CancelRun run={run} onCancelled={onFollow} />
      {failedRefence && (
        <Box mb={2}>
          <Alert severity="error">
            The old primary took writes again after this run and could not be
            fenced anew: both regions may be taking writes.{' '}
            {failedRefence.error}
          </Alert>
        </Box>
      )}
      {run.status === 'cancelled' && (
        <Typography variant="body2" paragraph>
          Cancelled
          {run.cancelledBy && (
            <>
              {' '}
              by{' '}
              <EntityRefLink entityRef={run.cancelledBy} defaultKind="user" />
            </>
          )}
          .
        </Typography>
      )}
      {run.error && (
        <Box mb={2}>
          <Alert
            severity={
              run.status === 'refused' || run.status === 'cancelled'
                ? 'warning'
                : 'error'
            }
          >
            {run.error}
          </Alert>
        </Box>
      )}
      <RunApprovals run={run} onApproved={onFollow} />
      {run.status === 'interrupted' && !detected && (
        <Box mb={2}>
          <ResumeRunAlert run={run} onResumed={onFollow} />
        </Box>
      )}
      {run.status === 'succeeded' && (run.mode === 'drill' || run.dryRun) && (
        <Box mb={2}>
          <Alert severity="success">
            Drill passed: every pre-flight check passed and nothing was changed.
          </Alert>
        </Box>
      )}
      {run.status === 'succeeded' && run.rtoMs !== null && !detected && (
        <Box mb={2}>
          <Alert severity="success">
            Writes were unavailable for {formatDurationMs(run.rtoMs)}; data loss{' '}
            {formatBytes(run.dataLossBytes ?? 0)}.
          </Alert>
        </Box>
      )}
      <RunDetection run={run} />
      <FailbackOffer
        run={run}
        runbooksSite={runbooksSite}
        onFailBack={onFailBack}
      />
      <RunFence run={run} />
      {run.canary && (
        <Typography variant="body2" paragraph>
          Traffic to {displayName(run.target)} in steps (canary):{' '}
          {run.canary.percents.map(percent => formatScore(percent)).join(' → ')}
          , each held {run.canary.pauseSeconds ?? DEFAULT_CANARY_PAUSE_SECONDS}{' '}
          s before its health check.
        </Typography>
      )}
      {run.force && (
        <Typography variant="body2" paragraph>
          Started with <strong>force</strong>: failed forcible checks did not
          stop it.
        </Typography>
      )}
      {run.resumes > 0 && run.status !== 'interrupted' && (
        <Typography variant="body2" paragraph>
          Resumed {run.resumes} {run.resumes === 1 ? 'time' : 'times'} after the
          backend executing it stopped.
        </Typography>
      )}
      {!detected && (
        <>
          <Typography variant="subtitle2" gutterBottom>
            Pre-flight checks
          </Typography>
          <PreflightChecklist checks={run.preflight} forced={run.force} />
        </>
      )}
      <Box mt={2}>
        <Typography variant="subtitle2" gutterBottom>
          Steps{isRunActive(run) && ' (live)'}
        </Typography>
        <ol className={classes.list} aria-label="Steps">
          {plannedSteps.map(step => (
            <StepItem key={step.id} run={run} step={step} />
          ))}
        </ol>
      </Box>
      {lateSteps.length > 0 && (
        <Box mt={2}>
          <Typography variant="subtitle2">After the run</Typography>
          <Typography variant="body2" color="textSecondary" paragraph>
            The split-brain guard found the old primary taking writes again
            after the run, and set out to fence it again.
          </Typography>
          <ol className={classes.list} aria-label="After the run">
            {lateSteps.map(step => (
              <StepItem key={step.id} run={run} step={step} />
            ))}
          </ol>
        </Box>
      )}
      {runbooksSite && (
        <Typography variant="body2">
          Runbook:{' '}
          <Link to={runbookPath(runbooksSite, runbook.page)}>
            {runbook.title}
          </Link>
        </Typography>
      )}
    </Box>
  );
}
