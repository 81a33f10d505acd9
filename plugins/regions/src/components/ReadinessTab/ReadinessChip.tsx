import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  ready: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
  notReady: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
}));

/** "0–100" with at most one decimal: 77.8, 94, 100. */
export function formatScore(score: number): string {
  return `${Number(score.toFixed(1))} %`;
}

/**
 * A readiness score as a chip: green when it reaches the threshold, red when
 * it does not.
 *
 * @public
 */
export function ReadinessChip(props: { score: number; ready: boolean }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={`${formatScore(props.score)} · ${
        props.ready ? 'ready' : 'not ready'
      }`}
      className={props.ready ? classes.ready : classes.notReady}
    />
  );
}
