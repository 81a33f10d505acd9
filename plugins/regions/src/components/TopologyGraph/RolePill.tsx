import { makeStyles, useTheme } from '@material-ui/core/styles';
import { ObservedRole, TopologyRegion } from '@meridian/plugin-regions-common';

/** The pill's height, and the width of a character of its text. */
const ROLE_PILL_HEIGHT = 16;
const ROLE_PILL_CHAR_WIDTH = 6.5;

/** A role a node has said it has. */
type KnownRole = Exclude<ObservedRole, 'unknown'>;

const useStyles = makeStyles({
  text: {
    fontSize: 10,
    fontWeight: 600,
  },
});

/** The role its node says a region has, when it has said anything. */
export function observedRoleOf(region: TopologyRegion): KnownRole | undefined {
  const role = region.replication?.observedRole;
  return role && role !== 'unknown' ? role : undefined;
}

function useRolePillColours() {
  const theme = useTheme();
  const { palette } = theme;
  const filled = (colour: { main: string; contrastText: string }) => ({
    fill: colour.main,
    stroke: colour.main,
    text: colour.contrastText,
  });
  const colours: Record<
    KnownRole,
    { fill: string; stroke: string; text: string }
  > = {
    primary: filled(palette.primary),
    standby: {
      fill: palette.background.paper,
      stroke: palette.primary.main,
      text: palette.primary.main,
    },
    fenced: filled(palette.warning),
    unreachable: filled(palette.error),
  };
  return colours;
}

/** The observed role on the node's top-left edge, outlined in orange when it drifts. */
export function RolePill(props: {
  role: KnownRole;
  drift: boolean;
  left: number;
  top: number;
}) {
  const { role, drift, left, top } = props;
  const classes = useStyles();
  const theme = useTheme();
  const colours = useRolePillColours()[role];
  const text = drift ? `⚠ ${role}` : role;
  const width = text.length * ROLE_PILL_CHAR_WIDTH + 12;
  return (
    <g aria-hidden>
      <rect
        x={left + 10}
        y={top - ROLE_PILL_HEIGHT / 2}
        width={width}
        height={ROLE_PILL_HEIGHT}
        rx={ROLE_PILL_HEIGHT / 2}
        fill={colours.fill}
        stroke={drift ? theme.palette.warning.main : colours.stroke}
        strokeWidth={drift ? 2 : 1}
      />
      <text
        x={left + 10 + width / 2}
        y={top + 3.5}
        textAnchor="middle"
        className={classes.text}
        fill={colours.text}
      >
        {text}
      </text>
    </g>
  );
}
