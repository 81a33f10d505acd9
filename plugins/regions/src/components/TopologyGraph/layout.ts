import { TopologyEdge, TopologyRegion } from '@meridian/plugin-regions-common';

export const NODE_WIDTH = 168;
export const NODE_HEIGHT = 48;
const COLUMN_WIDTH = NODE_WIDTH + 40;
const LAYER_HEIGHT = 150;
const PADDING_X = 24;
const PADDING_TOP = 48;
/** How far link and replication curves bow away from the straight hub line. */
const CURVE_OFFSET = 36;
/** Empty columns between two unrelated topologies. */
const TOPOLOGY_GAP = 0.5;

const TIERS = [1, 2, 3] as const;

/** A region and the centre of its node. */
export interface PlacedRegion {
  region: TopologyRegion;
  x: number;
  y: number;
}

interface TopologyLayer {
  tier: 1 | 2 | 3;
  /** Centre line of the layer's nodes. */
  y: number;
  nodes: PlacedRegion[];
}

/** An edge ready to draw: an SVG path and, for links, where its label goes. */
export interface DrawnEdge {
  kind: TopologyEdge['kind'];
  from: PlacedRegion;
  to: PlacedRegion;
  path: string;
  label?: { text: string; x: number; y: number };
}

interface TopologyLayout {
  width: number;
  height: number;
  layers: TopologyLayer[];
  edges: DrawnEdge[];
}

function byName(a: TopologyRegion, b: TopologyRegion) {
  return a.name.localeCompare(b.name) || a.ref.localeCompare(b.ref);
}

/**
 * The hub tree: a region hangs under its hub when the hub is drawn in a layer
 * above it; anything else (no hub, unknown hub, a hub in the same or a lower
 * tier, a cycle) is a root.
 */
function hubChildren(regions: TopologyRegion[]) {
  const byRef = new Map(regions.map(region => [region.ref, region]));
  const children = new Map<string, TopologyRegion[]>();
  const roots: TopologyRegion[] = [];
  for (const region of regions) {
    const hub = region.hub ? byRef.get(region.hub) : undefined;
    if (hub && hub.tier < region.tier) {
      children.set(hub.ref, [...(children.get(hub.ref) ?? []), region]);
    } else {
      roots.push(region);
    }
  }
  return { roots, children };
}

/**
 * Regions joined by any edge form one topology (the Brazil expansion, an AWS
 * set, an active-passive pair); each gets its own block of columns so their
 * edges do not cross each other.
 */
function topologyOf(regions: TopologyRegion[], edges: TopologyEdge[]) {
  const parent = new Map(regions.map(region => [region.ref, region.ref]));
  const find = (ref: string): string => {
    const up = parent.get(ref)!;
    return up === ref ? ref : find(up);
  };
  for (const edge of edges) {
    if (parent.has(edge.from) && parent.has(edge.to)) {
      parent.set(find(edge.from), find(edge.to));
    }
  }
  return find;
}

/**
 * Places one layer per tier, global hubs on top, as a tidy tree: every region
 * without spokes takes the next column and a hub sits centred over its spokes.
 * Pure and deterministic: the same regions always give the same picture.
 */
function placeRegions(regions: TopologyRegion[], edges: TopologyEdge[]) {
  const { roots, children } = hubChildren(regions);
  const topology = topologyOf(regions, edges);
  const topologyName = new Map<string, string>();
  for (const region of [...regions].sort(byName)) {
    if (!topologyName.has(topology(region.ref))) {
      topologyName.set(topology(region.ref), region.name);
    }
  }
  const rootOrder = (a: TopologyRegion, b: TopologyRegion) =>
    topologyName
      .get(topology(a.ref))!
      .localeCompare(topologyName.get(topology(b.ref))!) ||
    a.tier - b.tier ||
    byName(a, b);

  const column = new Map<string, number>();
  let next = 0;
  const place = (region: TopologyRegion): number => {
    const spokes = [...(children.get(region.ref) ?? [])].sort(byName);
    const x = spokes.length
      ? spokes.map(place).reduce((sum, c) => sum + c, 0) / spokes.length
      : next++;
    column.set(region.ref, x);
    return x;
  };
  let previousTopology: string | undefined;
  for (const root of [...roots].sort(rootOrder)) {
    if (
      previousTopology !== undefined &&
      topology(root.ref) !== previousTopology
    ) {
      next += TOPOLOGY_GAP;
    }
    previousTopology = topology(root.ref);
    place(root);
  }

  const placed = new Map<string, PlacedRegion>();
  const layers = TIERS.map((tier, index): TopologyLayer => {
    const y = PADDING_TOP + index * LAYER_HEIGHT + NODE_HEIGHT / 2;
    const nodes = regions
      .filter(region => region.tier === tier)
      .map(region => ({
        region,
        x: PADDING_X + COLUMN_WIDTH * (column.get(region.ref)! + 0.5),
        y,
      }))
      .sort((a, b) => a.x - b.x);
    nodes.forEach(node => placed.set(node.region.ref, node));
    return { tier, y, nodes };
  });

  return {
    width: Math.max(next, 1) * COLUMN_WIDTH + 2 * PADDING_X,
    height: PADDING_TOP + TIERS.length * LAYER_HEIGHT - NODE_HEIGHT,
    layers,
    placed,
  };
}

/** A quadratic curve from a to b bowed sideways by offset, and its midpoint. */
function curve(a: PlacedRegion, b: PlacedRegion, offset: number) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = Math.hypot(dx, dy) || 1;
  const cx = (a.x + b.x) / 2 + (-dy / length) * offset * 2;
  const cy = (a.y + b.y) / 2 + (dx / length) * offset * 2;
  return {
    path: `M ${a.x} ${a.y} Q ${cx} ${cy} ${b.x} ${b.y}`,
    mid: { x: (a.x + 2 * cx + b.x) / 4, y: (a.y + 2 * cy + b.y) / 4 },
  };
}

/**
 * Declared links are often written on both ends; draw each pair of regions
 * once and show every distinct latency target declared between them.
 */
function mergeLinks(edges: TopologyEdge[]) {
  const pairs = new Map<string, { edge: TopologyEdge; latencies: number[] }>();
  for (const edge of edges.filter(e => e.kind === 'link')) {
    const key = [edge.from, edge.to].sort().join('|');
    const pair = pairs.get(key) ?? { edge, latencies: [] };
    if (
      edge.latencyTargetMs !== undefined &&
      !pair.latencies.includes(edge.latencyTargetMs)
    ) {
      pair.latencies.push(edge.latencyTargetMs);
    }
    pairs.set(key, pair);
  }
  return [...pairs.values()];
}

/** Lays out regions and edges; edges to regions that are not drawn are left out. */
export function layoutTopology(
  regions: TopologyRegion[],
  edges: TopologyEdge[],
): TopologyLayout {
  const { width, height, layers, placed } = placeRegions(regions, edges);
  const drawn: DrawnEdge[] = [];
  const ends = (edge: TopologyEdge) => {
    const from = placed.get(edge.from);
    const to = placed.get(edge.to);
    return from && to && from !== to ? { from, to } : undefined;
  };

  for (const edge of edges.filter(e => e.kind === 'hub')) {
    const e = ends(edge);
    if (e) {
      drawn.push({
        kind: 'hub',
        ...e,
        path: `M ${e.from.x} ${e.from.y} L ${e.to.x} ${e.to.y}`,
      });
    }
  }
  for (const { edge, latencies } of mergeLinks(edges)) {
    const e = ends(edge);
    if (e) {
      const { path, mid } = curve(e.from, e.to, CURVE_OFFSET);
      drawn.push({
        kind: 'link',
        ...e,
        path,
        label: latencies.length
          ? {
              text: `${latencies.sort((a, b) => a - b).join(' / ')} ms`,
              ...mid,
            }
          : undefined,
      });
    }
  }
  for (const edge of edges.filter(e => e.kind === 'replication')) {
    const e = ends(edge);
    if (e) {
      drawn.push({
        kind: 'replication',
        ...e,
        path: curve(e.from, e.to, -CURVE_OFFSET).path,
      });
    }
  }

  return { width, height, layers, edges: drawn };
}
