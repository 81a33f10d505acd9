import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Collapse from '@material-ui/core/Collapse';
import IconButton from '@material-ui/core/IconButton';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { makeStyles } from '@material-ui/core/styles';
import KeyboardArrowDownIcon from '@material-ui/icons/KeyboardArrowDown';
import KeyboardArrowUpIcon from '@material-ui/icons/KeyboardArrowUp';
import { FailoverRun } from '@meridian/plugin-regions-common';
import { formatAge, formatBytes } from '../../lib/format';
import { FailoverRunDetail } from './FailoverRunDetail';
import { FailoverStatusChip } from './FailoverStatusChip';
import { FailoverPreset } from './StartFailoverDialog';
import {
  MODE_LABELS,
  elapsedMs,
  formatDurationMs,
  isRunActive,
} from './runFormat';

const COLUMNS = [
  '',
  'Mode',
  'Source → target',
  'Who',
  'When',
  'Status',
  'RTO',
  'Data loss',
  'Duration',
];

const useStyles = makeStyles({
  // the detail row has no bottom border of its own while collapsed
  summary: { '& > *': { borderBottom: 'unset' } },
  collapsed: { paddingTop: 0, paddingBottom: 0 },
});

function RunRow(props: {
  run: FailoverRun;
  expanded: boolean;
  onToggle: () => void;
  onFollow: (runId: string) => void;
  onFailBack: (preset: FailoverPreset) => void;
  runbooksSite?: string;
}) {
  const { run, expanded, onToggle, onFollow, onFailBack, runbooksSite } = props;
  const classes = useStyles();
  const duration = formatDurationMs(elapsedMs(run.createdAt, run.finishedAt));
  return (
    <>
      <TableRow className={classes.summary} data-run-id={run.id}>
        <TableCell padding="checkbox">
          <IconButton
            size="small"
            aria-expanded={expanded}
            aria-label={`${expanded ? 'Hide' : 'Show'} steps of run ${run.id}`}
            onClick={onToggle}
          >
            {expanded ? <KeyboardArrowUpIcon /> : <KeyboardArrowDownIcon />}
          </IconButton>
        </TableCell>
        <TableCell>
          {MODE_LABELS[run.mode]}
          {run.dryRun && run.mode !== 'drill' && ' (dry run)'}
          {run.force && ' · forced'}
        </TableCell>
        <TableCell>
          <EntityRefLink entityRef={run.region} defaultKind="region" /> →{' '}
          <EntityRefLink entityRef={run.target} defaultKind="region" />
        </TableCell>
        <TableCell>
          {/* a detected run was started by what promoted it (patroni), not a user */}
          {run.mode === 'detected' ? (
            run.createdBy
          ) : (
            <EntityRefLink entityRef={run.createdBy} defaultKind="user" />
          )}
        </TableCell>
        <TableCell>
          <span title={new Date(run.createdAt).toLocaleString()}>
            {formatAge(run.createdAt)}
          </span>
        </TableCell>
        <TableCell>
          <FailoverStatusChip status={run.status} />
        </TableCell>
        <TableCell>
          {run.rtoMs === null ? '—' : formatDurationMs(run.rtoMs)}
        </TableCell>
        <TableCell>
          {run.dataLossBytes === null ? '—' : formatBytes(run.dataLossBytes)}
        </TableCell>
        <TableCell>
          {isRunActive(run) ? `${duration} so far` : duration}
        </TableCell>
      </TableRow>
      <TableRow>
        <TableCell
          colSpan={COLUMNS.length}
          className={expanded ? undefined : classes.collapsed}
        >
          <Collapse in={expanded} unmountOnExit>
            <FailoverRunDetail
              run={run}
              onFollow={onFollow}
              onFailBack={onFailBack}
              runbooksSite={runbooksSite}
            />
          </Collapse>
        </TableCell>
      </TableRow>
    </>
  );
}

/**
 * Failover runs, one row each (mode, source → target, who, when, status, RTO,
 * data loss, duration), each expanding to its checks, steps and logs.
 */
export function FailoverRunsTable(props: {
  runs: FailoverRun[];
  expanded: ReadonlySet<string>;
  onToggle: (runId: string) => void;
  /** Called once the backend has accepted to resume, approve or cancel a run. */
  onFollow: (runId: string) => void;
  /** Opens the dialog to fail back after a switchover or failover. */
  onFailBack: (preset: FailoverPreset) => void;
  runbooksSite?: string;
}) {
  const { runs, expanded, onToggle, ...actions } = props;
  return (
    <TableContainer component={Paper}>
      <Table size="small" aria-label="Failover runs">
        <TableHead>
          <TableRow>
            {COLUMNS.map(title => (
              <TableCell key={title}>{title}</TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {runs.map(run => (
            <RunRow
              key={run.id}
              run={run}
              expanded={expanded.has(run.id)}
              onToggle={() => onToggle(run.id)}
              {...actions}
            />
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
