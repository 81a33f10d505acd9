import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import { ReplicationStatus } from '@meridian/plugin-regions-common';

const useStyles = makeStyles(theme => ({
  ok: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
  warning: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  breach: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  unknown: {
    backgroundColor: theme.palette.grey[500],
    color: theme.palette.getContrastText(theme.palette.grey[500]),
  },
}));

/**
 * A replication status as a coloured chip: green `ok`, orange `warning` from
 * half the RPO, red `breach` above it, grey `unknown` without a fresh sample.
 *
 * @public
 */
export function ReplicationStatusChip(props: { status: ReplicationStatus }) {
  const classes = useStyles();
  return (
    <Chip size="small" label={props.status} className={classes[props.status]} />
  );
}
