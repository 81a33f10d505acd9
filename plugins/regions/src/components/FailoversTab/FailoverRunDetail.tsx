import {
  Link,
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import {
  FailoverRun,
  FailoverStep,
  FailoverStepStatus,
} from '@meridian/plugin-regions-common';
import { ReactNode } from 'react';
import { formatBytes } from '../../lib/format';
import { PreflightChecklist } from './PreflightChecklist';
import { elapsedMs, formatDurationMs, isRunActive } from './runFormat';
import {
  RUNBOOK_OF_MODE,
  RUNBOOK_PAGES,
  runbookPath,
} from '../../lib/runbooks';

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: { marginBottom: theme.spacing(1.5) },
  header: { display: 'flex', alignItems: 'baseline', gap: theme.spacing(1) },
  log: {
    margin: theme.spacing(0.5, 0, 0, 3),
    padding: theme.spacing(1),
    fontFamily: 'monospace',
    fontSize: theme.typography.caption.fontSize,
    backgroundColor: theme.palette.background.default,
    whiteSpace: 'pre-wrap',
    overflowX: 'auto',
  },
  offset: {
    color: theme.palette.text.secondary,
    marginRight: theme.spacing(1),
  },
}));

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
        <pre className={classes.log}>
          {step.log.map((line, index) => (
            <div key={index}>
              <span className={classes.offset}>{offset(line.t)}</span>
              {line.message}
            </div>
          ))}
        </pre>
      )}
      {step.error && (
        <Box ml={3} mt={0.5}>
          <Alert severity="error">{step.error}</Alert>
        </Box>
      )}
    </li>
  );
}

/**
 * Everything recorded about one run: its outcome (RTO, data loss, or why it
 * failed), the pre-flight checks with the fact that decided each, and every
 * step with its status, timings (relative to the run's start) and log.
 */
export function FailoverRunDetail(props: {
  run: FailoverRun;
  runbooksSite?: string;
}) {
  const { run, runbooksSite } = props;
  const classes = useStyles();
  const runbook = RUNBOOK_PAGES.find(
    page => page.page === RUNBOOK_OF_MODE[run.mode],
  )!;
  return (
    <Box py={2} aria-label={`Run ${run.id}`} role="region">
      {run.error && (
        <Box mb={2}>
          <Alert severity={run.status === 'refused' ? 'warning' : 'error'}>
            {run.error}
          </Alert>
        </Box>
      )}
      {run.status === 'succeeded' && (run.mode === 'drill' || run.dryRun) && (
        <Box mb={2}>
          <Alert severity="success">
            Drill passed: every pre-flight check passed and nothing was changed.
          </Alert>
        </Box>
      )}
      {run.status === 'succeeded' && run.rtoMs !== null && (
        <Box mb={2}>
          <Alert severity="success">
            Writes were unavailable for {formatDurationMs(run.rtoMs)}; data loss{' '}
            {formatBytes(run.dataLossBytes ?? 0)}.
          </Alert>
        </Box>
      )}
      {run.force && (
        <Typography variant="body2" paragraph>
          Started with <strong>force</strong>: failed forcible checks did not
          stop it.
        </Typography>
      )}
      <Typography variant="subtitle2" gutterBottom>
        Pre-flight checks
      </Typography>
      <PreflightChecklist checks={run.preflight} forced={run.force} />
      <Box mt={2}>
        <Typography variant="subtitle2" gutterBottom>
          Steps{isRunActive(run) && ' (live)'}
        </Typography>
        <ol className={classes.list} aria-label="Steps">
          {run.steps.map(step => (
            <StepItem key={step.id} run={run} step={step} />
          ))}
        </ol>
      </Box>
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
