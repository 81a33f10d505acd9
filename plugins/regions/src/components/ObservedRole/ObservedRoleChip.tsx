import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import WarningIcon from '@material-ui/icons/Warning';
import { ObservedRole } from '@meridian/plugin-regions-common';

const useStyles = makeStyles(theme => ({
  primary: {
    backgroundColor: theme.palette.primary.main,
    color: theme.palette.primary.contrastText,
  },
  standby: {
    backgroundColor: 'transparent',
    border: `1px solid ${theme.palette.primary.main}`,
    color: theme.palette.primary.main,
  },
  fenced: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  unreachable: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  unknown: {
    backgroundColor: theme.palette.grey[300],
    color: theme.palette.getContrastText(theme.palette.grey[300]),
  },
  drift: {
    color: theme.palette.warning.main,
  },
}));

/**
 * The role a region's database node says it has, as a chip: filled for a
 * primary, hollow for a standby, orange fenced, red unreachable, grey unknown;
 * with a warning icon, the drift's message as its tooltip, when it
 * contradicts what the catalog declares.
 */
export function ObservedRoleChip(props: {
  role: ObservedRole;
  /** The drift's message, when the observed role contradicts the declared one. */
  drift?: string;
}) {
  const { role, drift } = props;
  const classes = useStyles();
  return (
    <Box
      component="span"
      display="inline-flex"
      alignItems="center"
      style={{ gap: 4 }}
    >
      <Chip size="small" label={role} className={classes[role]} />
      {drift && (
        <Tooltip title={drift}>
          <WarningIcon
            fontSize="small"
            className={classes.drift}
            titleAccess={`Role drift: ${drift}`}
          />
        </Tooltip>
      )}
    </Box>
  );
}
