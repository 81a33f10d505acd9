import Chip from '@material-ui/core/Chip';
import { Theme, makeStyles, useTheme } from '@material-ui/core/styles';
import { HealthStatus } from '@meridian/plugin-regions-common';

/** The colour of a health status, shared by the chip, the table and the topology. */
export function healthColor(theme: Theme, status: HealthStatus): string {
  switch (status) {
    case 'up':
      return theme.palette.success.main;
    case 'degraded':
      return theme.palette.warning.main;
    case 'down':
      return theme.palette.error.main;
    default:
      return theme.palette.grey[500];
  }
}

const useStyles = makeStyles({ chip: { fontWeight: 600 } });

/**
 * A health status as a coloured chip: green `up`, orange `degraded`, red
 * `down`, grey `unknown`; `title` (the reason) shows on hover.
 *
 * @public
 */
export function HealthStatusChip(props: {
  status: HealthStatus;
  title?: string;
}) {
  const theme = useTheme();
  const classes = useStyles();
  const background = healthColor(theme, props.status);
  return (
    <Chip
      size="small"
      label={props.status}
      title={props.title}
      className={classes.chip}
      style={{
        backgroundColor: background,
        color: theme.palette.getContrastText(background),
      }}
    />
  );
}
