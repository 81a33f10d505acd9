import { StatusError, StatusOK } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { FailoverPreflightCheck } from '@meridian/plugin-regions-common';

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: { marginBottom: theme.spacing(1.5) },
  header: { display: 'flex', alignItems: 'baseline', gap: theme.spacing(1) },
  passed: { color: theme.palette.success.main, fontWeight: 'bold' },
  failed: { color: theme.palette.error.main, fontWeight: 'bold' },
}));

/** Whether force may, or did, get past a failed check. */
function forceNote(check: FailoverPreflightCheck, forced: boolean): string {
  if (!check.forcible) {
    return ' (cannot be forced)';
  }
  return forced ? ' (overridden by force)' : ' (force may override this check)';
}

/**
 * Pre-flight checks as a checklist: each one passed or failed, with the fact
 * that decided it (`lag 3 MiB > limit 1 MiB`) and, when it failed, whether
 * force overrides it.
 */
export function PreflightChecklist(props: {
  checks: FailoverPreflightCheck[];
  /** Whether the run was, or would be, started with force. */
  forced?: boolean;
  label?: string;
}) {
  const { checks, forced = false, label = 'Pre-flight checks' } = props;
  const classes = useStyles();
  if (checks.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Not evaluated yet.
      </Typography>
    );
  }
  return (
    <ul className={classes.list} aria-label={label}>
      {checks.map(check => (
        <li key={check.id} className={classes.item} aria-label={check.title}>
          <div className={classes.header}>
            {check.passed ? (
              <StatusOK>{check.title}</StatusOK>
            ) : (
              <StatusError>{check.title}</StatusError>
            )}
            <Typography
              variant="body2"
              component="span"
              className={check.passed ? classes.passed : classes.failed}
            >
              {check.passed ? 'passed' : 'failed'}
            </Typography>
            <Typography variant="body2" color="textSecondary">
              {check.detail}
              {!check.passed && forceNote(check, forced)}
            </Typography>
          </div>
        </li>
      ))}
    </ul>
  );
}
