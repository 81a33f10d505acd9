import {
  DependencyGraph,
  DependencyGraphTypes,
  EmptyState,
} from '@backstage/core-components';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { TopologyEdge, TopologyRegion } from '@meridian/plugin-regions-common';
import { useCallback, useMemo, useState } from 'react';
import { TopologyEdgePath } from './TopologyEdgePath';
import { TopologyLegend } from './TopologyLegend';
import {
  GraphEdge,
  GraphNode,
  buildGraph,
  hubsAbove,
  initiallyExpanded,
} from './graphModel';
import { RegionGraphNode } from './RegionGraphNode';

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(1),
  },
  search: {
    width: 320,
  },
  // the drawing fits this box at first; zoom and pan for detail
  canvas: {
    height: 'calc(100vh - 340px)',
    minHeight: 420,
    fontFamily: theme.typography.fontFamily,
  },
}));

/**
 * The hub-and-spoke topology laid out by Backstage's DependencyGraph
 * (dagre), left to right from the global hubs, fitted to the window with
 * zoom and pan. Hubs collapse and expand their spokes (large topologies open
 * with the spokes collapsed), the search focuses one region and its
 * neighbours, nodes are coloured by health, replication edges by their
 * status and links by their measured latency against the target.
 *
 * @public
 */
export function TopologyGraph(props: {
  regions: TopologyRegion[];
  edges: TopologyEdge[];
}) {
  const { regions, edges } = props;
  const classes = useStyles();
  const entityLink = useEntityRefLink();
  const firstExpanded = useMemo(() => initiallyExpanded(regions), [regions]);
  const [expanded, setExpanded] = useState<Set<string>>();
  const [focus, setFocus] = useState<string>();
  const current = expanded ?? firstExpanded;

  const graph = useMemo(
    () => buildGraph(regions, edges, current, focus),
    [regions, edges, current, focus],
  );
  const toggle = useCallback(
    (ref: string) => {
      const next = new Set(current);
      if (next.has(ref)) {
        next.delete(ref);
      } else {
        next.add(ref);
      }
      setExpanded(next);
    },
    [current],
  );
  const focusOn = (region: TopologyRegion | null) => {
    if (!region) {
      setFocus(undefined);
      return;
    }
    // the focused region is drawn even when a collapsed hub hid it
    setExpanded(new Set([...current, ...hubsAbove(regions, region.ref)]));
    setFocus(region.ref);
  };

  const renderNode = useCallback(
    ({ node }: DependencyGraphTypes.RenderNodeProps<GraphNode>) => (
      <RegionGraphNode
        node={node}
        href={entityLink(node.region.ref)}
        onToggle={toggle}
      />
    ),
    [entityLink, toggle],
  );
  const renderEdge = useCallback(
    ({ edge }: DependencyGraphTypes.RenderEdgeProps<GraphEdge>) => (
      <TopologyEdgePath edge={edge} />
    ),
    [],
  );

  if (regions.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No regions to draw"
        description="Once Region entities are registered in the catalog, their hub-and-spoke topology is drawn here."
      />
    );
  }

  const focused = regions.find(region => region.ref === focus);
  return (
    <>
      <Box className={classes.toolbar}>
        <Autocomplete
          className={classes.search}
          options={regions}
          value={focused ?? null}
          getOptionLabel={region =>
            region.title ? `${region.name} (${region.title})` : region.name
          }
          onChange={(_, region) => focusOn(region)}
          renderInput={params => (
            <TextField
              {...params}
              label="Find a region"
              variant="outlined"
              size="small"
            />
          )}
        />
        {focused && (
          <Button variant="outlined" onClick={() => setFocus(undefined)}>
            Show all regions
          </Button>
        )}
        {!focused && expanded && (
          <Button variant="outlined" onClick={() => setExpanded(undefined)}>
            Reset the drawing
          </Button>
        )}
        <Typography variant="body2" color="textSecondary">
          {focused
            ? `${focused.name} and its neighbours: ${graph.nodes.length} of ${regions.length} regions`
            : `${graph.nodes.length} of ${regions.length} regions drawn; a hub's + shows its spokes. Scroll to zoom, drag to pan.`}
        </Typography>
      </Box>
      <Box className={classes.canvas} role="group" aria-label="Region topology">
        <DependencyGraph<GraphNode, GraphEdge>
          nodes={graph.nodes}
          edges={graph.edges}
          renderNode={renderNode}
          renderEdge={renderEdge}
          direction={DependencyGraphTypes.Direction.LEFT_RIGHT}
          nodeMargin={24}
          rankMargin={120}
          paddingX={24}
          paddingY={24}
          fit="contain"
          zoom="enabled"
          allowFullscreen
        />
      </Box>
      <TopologyLegend />
    </>
  );
}
