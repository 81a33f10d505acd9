import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';

/**
 * What a status means to the operator, which decides its colour: green ok,
 * orange warning, red error, dark red critical, blue active, hollow blue
 * waiting on people, grey unknown, dark grey ended, light grey lapsed.
 */
export type StatusTone =
  | 'ok'
  | 'warning'
  | 'error'
  | 'critical'
  | 'active'
  | 'waiting'
  | 'unknown'
  | 'ended'
  | 'lapsed';

const useStyles = makeStyles(theme => ({
  ok: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
  warning: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  error: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  critical: {
    backgroundColor: theme.palette.error.dark,
    color: theme.palette.error.contrastText,
  },
  active: {
    backgroundColor: theme.palette.info.main,
    color: theme.palette.info.contrastText,
  },
  // hollow: nothing has changed yet, it waits on people
  waiting: {
    backgroundColor: 'transparent',
    border: `1px solid ${theme.palette.info.main}`,
    color: theme.palette.info.dark,
  },
  unknown: {
    backgroundColor: theme.palette.grey[500],
    color: theme.palette.getContrastText(theme.palette.grey[500]),
  },
  ended: {
    backgroundColor: theme.palette.grey[700],
    color: theme.palette.getContrastText(theme.palette.grey[700]),
  },
  lapsed: {
    backgroundColor: theme.palette.grey[300],
    color: theme.palette.getContrastText(theme.palette.grey[300]),
  },
}));

/**
 * The one status chip of the plugin: a small chip coloured by its tone, so
 * that the same colour means the same thing on every page.
 *
 * @public
 */
export function StatusChip(props: { tone: StatusTone; label: string }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={props.label}
      className={classes[props.tone]}
      data-tone={props.tone}
    />
  );
}
