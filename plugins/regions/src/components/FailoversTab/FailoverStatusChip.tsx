import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import { FailoverRunStatus } from '@meridian/plugin-regions-common';

const useStyles = makeStyles(theme => ({
  pending: {
    backgroundColor: theme.palette.grey[500],
    color: theme.palette.getContrastText(theme.palette.grey[500]),
  },
  running: {
    backgroundColor: theme.palette.info.main,
    color: theme.palette.info.contrastText,
  },
  // hollow: nothing has changed yet, the run waits on people
  'awaiting-approval': {
    backgroundColor: 'transparent',
    border: `1px solid ${theme.palette.info.main}`,
    color: theme.palette.info.dark,
  },
  succeeded: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
  failed: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  refused: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  interrupted: {
    backgroundColor: theme.palette.error.dark,
    color: theme.palette.error.contrastText,
  },
  cancelled: {
    backgroundColor: theme.palette.grey[700],
    color: theme.palette.getContrastText(theme.palette.grey[700]),
  },
  expired: {
    backgroundColor: theme.palette.grey[300],
    color: theme.palette.getContrastText(theme.palette.grey[300]),
  },
}));

/**
 * A failover run's status as a coloured chip: grey pending, blue running,
 * hollow blue awaiting approval, green succeeded, orange refused by its
 * pre-flight checks, red failed or interrupted by a backend restart, dark
 * grey cancelled, light grey expired (nobody approved it in time).
 */
export function FailoverStatusChip(props: { status: FailoverRunStatus }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={props.status.replace('-', ' ')}
      className={classes[props.status]}
    />
  );
}
