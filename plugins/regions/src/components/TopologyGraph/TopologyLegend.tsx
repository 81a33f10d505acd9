import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import { HEALTH_STATUSES } from '@meridian/plugin-regions-common';
import { healthColor } from '../RegionHealth';
import { edgeStyle } from './TopologyEdgePath';

const useStyles = makeStyles(theme => ({
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(3),
    marginTop: theme.spacing(2),
  },
  item: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
  },
}));

/** What the colours and dashes of the topology mean. */
export function TopologyLegend() {
  const classes = useStyles();
  const theme = useTheme();
  const line = (style: object) => (
    <svg width={40} height={12} aria-hidden>
      <line x1={0} y1={6} x2={40} y2={6} {...style} />
    </svg>
  );
  const box = (stroke: string, dash?: string) => (
    <svg width={24} height={16} aria-hidden>
      <rect
        x={2}
        y={2}
        width={20}
        height={12}
        rx={3}
        fill="none"
        stroke={stroke}
        strokeWidth={3}
        strokeDasharray={dash}
      />
    </svg>
  );
  const items: [JSX.Element, string][] = [
    [line(edgeStyle(theme, { kind: 'hub', count: 1 })), 'Hub to spoke'],
    [
      line(edgeStyle(theme, { kind: 'link', count: 1 })),
      'Declared link: measured latency ≤ target',
    ],
    [
      line(
        edgeStyle(theme, {
          kind: 'link',
          count: 1,
          latency: {
            targetMs: 1,
            measuredMs: 2,
            breached: true,
            source: null,
            measuredAt: null,
          },
        }),
      ),
      'Link breaching its latency target',
    ],
    [
      line(
        edgeStyle(theme, {
          kind: 'replication',
          count: 1,
          replicationStatus: 'ok',
        }),
      ),
      'Replication (green ok, orange warning, red breach of the RPO)',
    ],
    ...HEALTH_STATUSES.map(
      status =>
        [box(healthColor(theme, status)), `Health ${status}`] as [
          JSX.Element,
          string,
        ],
    ),
    [
      box(theme.palette.text.secondary, '6 3'),
      "Role drift: the node's role contradicts the catalog",
    ],
  ];
  return (
    <Box className={classes.legend}>
      {items.map(([icon, text]) => (
        <Box key={text} className={classes.item}>
          {icon}
          <Typography variant="caption">{text}</Typography>
        </Box>
      ))}
    </Box>
  );
}
