import { EmptyState } from '@backstage/core-components';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import { TopologyEdge, TopologyRegion } from '@meridian/plugin-regions-common';
import { Link } from 'react-router-dom';
import { formatLocation, formatTierLayer } from '../../lib/format';
import {
  DrawnEdge,
  NODE_HEIGHT,
  NODE_WIDTH,
  PlacedRegion,
  layoutTopology,
} from './layout';
import { RolePill, observedRoleOf } from './RolePill';

const MAX_TITLE_LENGTH = 22;

const useStyles = makeStyles(theme => ({
  scroller: {
    overflowX: 'auto',
  },
  svg: {
    display: 'block',
    fontFamily: theme.typography.fontFamily,
  },
  layerLabel: {
    fill: theme.palette.text.secondary,
    fontSize: 12,
    fontWeight: 600,
    textTransform: 'uppercase',
    letterSpacing: 0.5,
  },
  layerBand: {
    fill: theme.palette.action.hover,
  },
  node: {
    cursor: 'pointer',
    '&:hover rect, &:focus rect': {
      fill: theme.palette.action.selected,
    },
  },
  nodeTitle: {
    fill: theme.palette.text.primary,
    fontSize: 13,
    fontWeight: 600,
  },
  nodeSubtitle: {
    fill: theme.palette.text.secondary,
    fontSize: 11,
  },

  edgeLabel: {
    fill: theme.palette.text.primary,
    fontSize: 11,
    fontWeight: 600,
    paintOrder: 'stroke',
    stroke: theme.palette.background.paper,
    strokeWidth: 4,
  },
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(3),
    marginTop: theme.spacing(2),
  },
  legendItem: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
  },
}));

function regionLabel(region: TopologyRegion) {
  return region.title ?? region.name;
}

function truncate(text: string) {
  return text.length > MAX_TITLE_LENGTH
    ? `${text.slice(0, MAX_TITLE_LENGTH - 1)}…`
    : text;
}

function useEdgeStyles() {
  const theme = useTheme();
  return {
    hub: { stroke: theme.palette.text.secondary, strokeWidth: 2 },
    link: {
      stroke: theme.palette.primary.main,
      strokeWidth: 1.5,
      strokeDasharray: '6 4',
    },
    replication: {
      stroke: theme.palette.secondary.main,
      strokeWidth: 2,
      strokeDasharray: '2 4',
    },
  } as const;
}

function edgeDescription(edge: DrawnEdge) {
  const from = regionLabel(edge.from.region);
  const to = regionLabel(edge.to.region);
  switch (edge.kind) {
    case 'hub':
      return `${from} is a spoke of ${to}`;
    case 'link':
      return `Link between ${from} and ${to}${
        edge.label ? `, latency target ${edge.label.text}` : ''
      }`;
    default:
      return `${from} replicates from ${to}`;
  }
}

function RegionNode(props: { node: PlacedRegion; href: string }) {
  const { node, href } = props;
  const { region } = node;
  const classes = useStyles();
  const theme = useTheme();
  const location = formatLocation(region.location);
  const conflicted = region.conflicts > 0;
  const role = observedRoleOf(region);
  const drift = region.replication?.drift;
  const description = [
    region.name,
    region.title,
    location,
    role && `observed ${role}${drift ? ` (role drift: ${drift})` : ''}`,
    conflicted &&
      `${region.conflicts} conflict${region.conflicts === 1 ? '' : 's'}`,
  ]
    .filter(Boolean)
    .join(', ');
  const left = node.x - NODE_WIDTH / 2;
  const top = node.y - NODE_HEIGHT / 2;
  let stroke = theme.palette.primary.main;
  if (conflicted) {
    stroke = theme.palette.error.main;
  } else if (drift) {
    stroke = theme.palette.warning.main;
  }

  return (
    <Link to={href} aria-label={description} className={classes.node}>
      <title>
        {`${regionLabel(region)} (${region.ref})${
          drift ? `\nRole drift: ${drift}` : ''
        }`}
      </title>
      <rect
        x={left}
        y={top}
        width={NODE_WIDTH}
        height={NODE_HEIGHT}
        rx={8}
        fill={theme.palette.background.paper}
        stroke={stroke}
        strokeWidth={conflicted || drift ? 3 : 1.5}
        strokeDasharray={drift && !conflicted ? '6 3' : undefined}
      />
      <text
        x={node.x}
        y={node.y - 4}
        textAnchor="middle"
        className={classes.nodeTitle}
      >
        {truncate(region.name)}
      </text>
      <text
        x={node.x}
        y={node.y + 13}
        textAnchor="middle"
        className={classes.nodeSubtitle}
      >
        {location ?? region.cidr ?? region.lifecycle}
      </text>
      {role && (
        <RolePill role={role} drift={Boolean(drift)} left={left} top={top} />
      )}
      {conflicted && (
        <g>
          <circle
            cx={left + NODE_WIDTH}
            cy={top}
            r={10}
            fill={theme.palette.error.main}
          />
          <text
            x={left + NODE_WIDTH}
            y={top + 4}
            textAnchor="middle"
            fontSize={11}
            fontWeight={700}
            fill={theme.palette.error.contrastText}
          >
            {region.conflicts}
          </text>
        </g>
      )}
    </Link>
  );
}

function Legend() {
  const classes = useStyles();
  const theme = useTheme();
  const edgeStyles = useEdgeStyles();
  const line = (style: object) => (
    <svg width={40} height={12} aria-hidden>
      <line x1={0} y1={6} x2={40} y2={6} {...style} />
    </svg>
  );
  return (
    <Box className={classes.legend}>
      <Box className={classes.legendItem}>
        {line(edgeStyles.hub)}
        <Typography variant="caption">Spoke to hub</Typography>
      </Box>
      <Box className={classes.legendItem}>
        {line(edgeStyles.link)}
        <Typography variant="caption">
          Declared link, with its latency target
        </Typography>
      </Box>
      <Box className={classes.legendItem}>
        {line(edgeStyles.replication)}
        <Typography variant="caption">Replication from a source</Typography>
      </Box>
      <Box className={classes.legendItem}>
        <svg width={24} height={16} aria-hidden>
          <rect
            x={2}
            y={2}
            width={20}
            height={12}
            rx={3}
            fill="none"
            stroke={theme.palette.error.main}
            strokeWidth={3}
          />
        </svg>
        <Typography variant="caption">
          Region with conflicts (count in the badge)
        </Typography>
      </Box>
      <Box className={classes.legendItem}>
        <svg width={24} height={16} aria-hidden>
          <rect
            x={2}
            y={2}
            width={20}
            height={12}
            rx={3}
            fill="none"
            stroke={theme.palette.warning.main}
            strokeWidth={3}
            strokeDasharray="6 3"
          />
        </svg>
        <Typography variant="caption">
          Role drift: the node's role (on its edge) contradicts the catalog
        </Typography>
      </Box>
    </Box>
  );
}

/**
 * The hub-and-spoke topology as an SVG graph: one layer per tier, hub edges,
 * declared links labelled with their latency targets, replication edges, the
 * role each region's node says it has (outlined in orange where it
 * contradicts the catalog), and each region linking to its entity page.
 *
 * @public
 */
export function TopologyGraph(props: {
  regions: TopologyRegion[];
  edges: TopologyEdge[];
}) {
  const { regions, edges } = props;
  const classes = useStyles();
  const edgeStyles = useEdgeStyles();
  const entityLink = useEntityRefLink();

  if (regions.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No regions to draw"
        description="Once Region entities are registered in the catalog, their hub-and-spoke topology is drawn here."
      />
    );
  }

  const layout = layoutTopology(regions, edges);
  const edgeGroups = [
    { kind: 'hub', title: 'Hub edges' },
    { kind: 'link', title: 'Declared links' },
    { kind: 'replication', title: 'Replication edges' },
  ] as const;

  return (
    <>
      <div className={classes.scroller}>
        <svg
          className={classes.svg}
          // fit the card, shrinking to 70 % at most before scrolling sideways
          style={{ maxWidth: layout.width, minWidth: layout.width * 0.7 }}
          width="100%"
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          role="group"
          aria-label="Region topology"
        >
          {layout.layers.map(layer => (
            <g key={layer.tier}>
              <rect
                className={classes.layerBand}
                x={0}
                y={layer.y - NODE_HEIGHT / 2 - 32}
                width={layout.width}
                height={NODE_HEIGHT + 44}
                rx={4}
              />
              <text
                className={classes.layerLabel}
                x={12}
                y={layer.y - NODE_HEIGHT / 2 - 14}
              >
                {formatTierLayer(layer.tier)}
              </text>
            </g>
          ))}
          {edgeGroups.map(group => (
            <g key={group.kind} role="group" aria-label={group.title}>
              {layout.edges
                .filter(edge => edge.kind === group.kind)
                .map(edge => (
                  <g key={`${edge.from.region.ref}|${edge.to.region.ref}`}>
                    <path
                      d={edge.path}
                      fill="none"
                      aria-label={edgeDescription(edge)}
                      {...edgeStyles[edge.kind]}
                    />
                    {edge.label && (
                      <text
                        className={classes.edgeLabel}
                        x={edge.label.x}
                        y={edge.label.y + 4}
                        textAnchor="middle"
                      >
                        {edge.label.text}
                      </text>
                    )}
                  </g>
                ))}
            </g>
          ))}
          {layout.layers.map(layer => (
            <g
              key={layer.tier}
              role="group"
              aria-label={formatTierLayer(layer.tier)}
            >
              {layer.nodes.map(node => (
                <RegionNode
                  key={node.region.ref}
                  node={node}
                  href={entityLink(node.region.ref)}
                />
              ))}
            </g>
          ))}
        </svg>
      </div>
      <Legend />
    </>
  );
}
