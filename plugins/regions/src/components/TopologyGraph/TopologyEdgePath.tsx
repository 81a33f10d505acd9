import { Theme, makeStyles, useTheme } from '@material-ui/core/styles';
import { ReplicationStatus } from '@meridian/plugin-regions-common';
import { GraphEdge } from './graphModel';

const useStyles = makeStyles(theme => ({
  label: {
    fontSize: 11,
    fontWeight: 600,
    paintOrder: 'stroke',
    stroke: theme.palette.background.paper,
    strokeWidth: 4,
  },
}));

const REPLICATION_COLOURS: Record<ReplicationStatus, (theme: Theme) => string> =
  {
    ok: theme => theme.palette.success.main,
    warning: theme => theme.palette.warning.main,
    breach: theme => theme.palette.error.main,
    unknown: theme => theme.palette.secondary.main,
  };

/** The stroke of an edge: its kind's dash, coloured by replication status or a latency breach. */
export function edgeStyle(
  theme: Theme,
  edge: Pick<GraphEdge, 'kind' | 'latency' | 'replicationStatus' | 'count'>,
) {
  const width = Math.min(6, 1.5 + Math.log2(Math.max(1, edge.count)));
  if (edge.latency?.breached) {
    return {
      stroke: theme.palette.error.main,
      strokeWidth: width + 1.5,
      strokeDasharray: '6 4',
    };
  }
  switch (edge.kind) {
    case 'hub':
      return { stroke: theme.palette.text.secondary, strokeWidth: width };
    case 'link':
      return {
        stroke: theme.palette.primary.main,
        strokeWidth: width,
        strokeDasharray: '6 4',
      };
    default:
      return {
        stroke: REPLICATION_COLOURS[edge.replicationStatus ?? 'unknown'](theme),
        strokeWidth: width + 0.5,
        strokeDasharray: '2 4',
      };
  }
}

/** The label on a link: the measurement against the target, or the target alone. */
export function latencyLabel(edge: GraphEdge): string | undefined {
  const { latency } = edge;
  if (latency && latency.measuredMs !== null) {
    const measured = Math.round(latency.measuredMs);
    return latency.breached
      ? `${measured} ms > ${latency.targetMs} ms`
      : `${measured} ms ≤ ${latency.targetMs} ms`;
  }
  return edge.latencyTargets.length
    ? `target ${edge.latencyTargets.join(' / ')} ms`
    : undefined;
}

function describe(edge: GraphEdge, label?: string) {
  const merged = edge.count > 1 ? ` (${edge.count} edges)` : '';
  const link = edge.carriesLink
    ? `${edge.kind === 'link' ? '' : ', and a link'}${
        label ? `, latency ${label}` : ''
      }${edge.latency?.breached ? ', breaches its latency target' : ''}`
    : '';
  switch (edge.kind) {
    case 'hub':
      return `${edge.to} is a spoke of ${edge.from}${merged}${link}`;
    case 'link':
      return `Link between ${edge.from} and ${edge.to}${merged}${link}`;
    default:
      return `${edge.from} replicates from ${edge.to}${merged}${
        edge.replicationStatus ? `, replication ${edge.replicationStatus}` : ''
      }${link}`;
  }
}

/** One edge as dagre routed it, with its latency label at its middle point. */
export function TopologyEdgePath(props: {
  edge: GraphEdge & { points?: { x: number; y: number }[] };
}) {
  const { edge } = props;
  const classes = useStyles();
  const theme = useTheme();
  const points = edge.points ?? [];
  if (points.length < 2) {
    return null;
  }
  const d = points
    .map((point, index) => `${index ? 'L' : 'M'}${point.x},${point.y}`)
    .join(' ');
  const label = edge.carriesLink ? latencyLabel(edge) : undefined;
  const middle = points[Math.floor(points.length / 2)];
  const style = edgeStyle(theme, edge);
  return (
    <g>
      <path
        d={d}
        fill="none"
        aria-label={describe(edge, label)}
        data-kind={edge.kind}
        {...style}
      />
      {label && (
        <text
          className={classes.label}
          x={middle.x}
          y={middle.y - 4}
          textAnchor="middle"
          fill={style.stroke}
        >
          {label}
        </text>
      )}
    </g>
  );
}
