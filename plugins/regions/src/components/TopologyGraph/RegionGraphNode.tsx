import { makeStyles, useTheme } from '@material-ui/core/styles';
import { TopologyRegion } from '@meridian/plugin-regions-common';
import { KeyboardEvent } from 'react';
import { Link } from 'react-router-dom';
import { formatLocation } from '../../lib/format';
import { healthColor } from '../RegionHealth';
import { GraphNode } from './graphModel';
import { RolePill, observedRoleOf } from './RolePill';

export const NODE_WIDTH = 180;
export const NODE_HEIGHT = 52;
const MAX_TITLE_LENGTH = 22;
const TOGGLE_RADIUS = 11;

const useStyles = makeStyles(theme => ({
  node: {
    cursor: 'pointer',
    '&:hover rect, &:focus rect': {
      fill: theme.palette.action.selected,
    },
  },
  title: {
    fill: theme.palette.text.primary,
    fontSize: 13,
    fontWeight: 600,
  },
  subtitle: {
    fill: theme.palette.text.secondary,
    fontSize: 11,
  },
  toggle: {
    cursor: 'pointer',
  },
}));

function truncate(text: string) {
  return text.length > MAX_TITLE_LENGTH
    ? `${text.slice(0, MAX_TITLE_LENGTH - 1)}…`
    : text;
}

function plural(count: number, word: string) {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function hiddenSummary(node: GraphNode) {
  const parts = [`+${plural(node.descendants, 'region')}`];
  if (node.hiddenDown) {
    parts.push(`${node.hiddenDown} down`);
  }
  if (node.hiddenDegraded) {
    parts.push(`${node.hiddenDegraded} degraded`);
  }
  return parts.join(' · ');
}

/** What a screen reader hears for a node, and what the search matches. */
export function nodeDescription(node: GraphNode): string {
  const { region } = node;
  const role = observedRoleOf(region);
  const drift = region.replication?.drift;
  return [
    region.name,
    region.title,
    formatLocation(region.location),
    region.health && `health ${region.health.status}`,
    role && `observed ${role}${drift ? ` (role drift: ${drift})` : ''}`,
    region.conflicts > 0 && plural(region.conflicts, 'conflict'),
    node.collapsed && `${hiddenSummary(node)} hidden`,
  ]
    .filter(Boolean)
    .join(', ');
}

function label(region: TopologyRegion) {
  return region.title ?? region.name;
}

/**
 * A region in the graph: its border coloured by its health (a collapsed
 * hub: by the worst of what it hides), its role pill and conflict badge, a
 * link to its page and, for a hub, a button that collapses or expands its
 * spokes.
 */
export function RegionGraphNode(props: {
  node: GraphNode;
  href: string;
  onToggle: (ref: string) => void;
}) {
  const { node, href, onToggle } = props;
  const { region } = node;
  const classes = useStyles();
  const theme = useTheme();
  const role = observedRoleOf(region);
  const drift = region.replication?.drift;
  const conflicted = region.conflicts > 0;
  let status = region.health?.status ?? 'unknown';
  if (node.hiddenDown && status !== 'down') {
    status = 'degraded';
  } else if (node.hiddenDegraded && status === 'up') {
    status = 'degraded';
  }
  const stroke = healthColor(theme, status);
  const subtitle = node.collapsed
    ? hiddenSummary(node)
    : formatLocation(region.location) ?? region.cidr ?? region.lifecycle;
  const toggle = () => onToggle(region.ref);

  return (
    <g>
      <Link
        to={href}
        aria-label={nodeDescription(node)}
        className={classes.node}
      >
        <title>
          {`${label(region)} (${region.ref})${
            region.health ? `\nHealth: ${region.health.reason}` : ''
          }${drift ? `\nRole drift: ${drift}` : ''}`}
        </title>
        <rect
          width={NODE_WIDTH}
          height={NODE_HEIGHT}
          rx={8}
          fill={theme.palette.background.paper}
          stroke={node.focused ? theme.palette.primary.main : stroke}
          strokeWidth={node.focused ? 5 : 3}
          strokeDasharray={drift ? '6 3' : undefined}
          data-health={status}
        />
        <rect
          x={0}
          y={8}
          width={6}
          height={NODE_HEIGHT - 16}
          fill={stroke}
          aria-hidden
        />
        <text
          x={NODE_WIDTH / 2}
          y={NODE_HEIGHT / 2 - 4}
          textAnchor="middle"
          className={classes.title}
        >
          {truncate(region.name)}
        </text>
        <text
          x={NODE_WIDTH / 2}
          y={NODE_HEIGHT / 2 + 13}
          textAnchor="middle"
          className={classes.subtitle}
        >
          {subtitle}
        </text>
        {role && (
          <RolePill role={role} drift={Boolean(drift)} left={0} top={0} />
        )}
        {conflicted && (
          <g aria-hidden>
            <circle
              cx={NODE_WIDTH}
              cy={0}
              r={10}
              fill={theme.palette.error.main}
            />
            <text
              x={NODE_WIDTH}
              y={4}
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
      {node.descendants > 0 && (
        <g
          role="button"
          tabIndex={0}
          aria-label={`${node.collapsed ? 'Expand' : 'Collapse'} the ${plural(
            node.descendants,
            'region',
          )} under ${region.name}`}
          aria-expanded={!node.collapsed}
          className={classes.toggle}
          onClick={toggle}
          onKeyDown={(event: KeyboardEvent) => {
            if (event.key === 'Enter' || event.key === ' ') {
              event.preventDefault();
              toggle();
            }
          }}
        >
          <circle
            cx={NODE_WIDTH}
            cy={NODE_HEIGHT}
            r={TOGGLE_RADIUS}
            fill={theme.palette.primary.main}
          />
          <text
            x={NODE_WIDTH}
            y={NODE_HEIGHT + 5}
            textAnchor="middle"
            fontSize={15}
            fontWeight={700}
            fill={theme.palette.primary.contrastText}
          >
            {node.collapsed ? '+' : '−'}
          </text>
        </g>
      )}
    </g>
  );
}
