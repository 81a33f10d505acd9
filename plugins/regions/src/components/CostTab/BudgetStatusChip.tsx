import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import { BudgetStatus } from '@meridian/plugin-regions-common';

const useStyles = makeStyles(theme => ({
  ok: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
  'at-risk': {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  over: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  unknown: {
    backgroundColor: theme.palette.grey[500],
    color: theme.palette.getContrastText(theme.palette.grey[500]),
  },
}));

const LABELS: Record<BudgetStatus, string> = {
  ok: 'within budget',
  'at-risk': 'at risk',
  over: 'over budget',
  unknown: 'no budget status',
};

/**
 * A budget status as a coloured chip: green within budget, orange while the
 * month-end forecast is above it, red once spend is above it.
 *
 * @public
 */
export function BudgetStatusChip(props: { status: BudgetStatus }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={LABELS[props.status]}
      className={classes[props.status]}
    />
  );
}
