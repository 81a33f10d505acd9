import {
  ReplicationStatus,
  TopologyEdge,
  TopologyRegion,
} from '@meridian/plugin-regions-common';

/**
 * How many nodes the first drawing may have: hubs are expanded tier by tier
 * while the whole next tier fits, the others start collapsed, so 1,000
 * regions open as their hubs and fit the window.
 */
export const FIRST_DRAW_BUDGET = 60;

/** A drawn node: a region, and for a collapsed hub what it hides. */
export interface GraphNode {
  id: string;
  region: TopologyRegion;
  /** Regions under this hub (all levels), 0 for a leaf. */
  descendants: number;
  /** Whether its spokes are hidden behind it. */
  collapsed: boolean;
  /** For a collapsed hub: how many hidden regions are down or degraded. */
  hiddenDown: number;
  hiddenDegraded: number;
  focused: boolean;
}

/** A drawn edge; edges of hidden regions are carried by their visible hub. */
export interface GraphEdge {
  from: string;
  to: string;
  kind: TopologyEdge['kind'];
  /** How many topology edges it stands for (more than 1 when merged into a collapsed hub). */
  count: number;
  /** Whether it stands for a declared link (on its own, or riding on a hub or replication edge). */
  carriesLink: boolean;
  /** The distinct latency targets of the links it stands for, lowest first. */
  latencyTargets: number[];
  /** The worst measurement among the edges it stands for. */
  latency?: TopologyEdge['latency'];
  /** Of a replication edge: the standby's replication status. */
  replicationStatus?: ReplicationStatus;
}

/** Each region's spokes, by hub ref. */
export function spokesByHub(regions: TopologyRegion[]) {
  const known = new Set(regions.map(region => region.ref));
  const spokes = new Map<string, string[]>();
  for (const region of regions) {
    if (region.hub && known.has(region.hub) && region.hub !== region.ref) {
      spokes.set(region.hub, [...(spokes.get(region.hub) ?? []), region.ref]);
    }
  }
  return spokes;
}

function roots(regions: TopologyRegion[]) {
  const known = new Set(regions.map(region => region.ref));
  return regions
    .filter(region => !region.hub || !known.has(region.hub))
    .map(region => region.ref);
}

/** The hubs to expand at first: tier by tier while the drawing stays within the budget. */
export function initiallyExpanded(
  regions: TopologyRegion[],
  budget: number = FIRST_DRAW_BUDGET,
): Set<string> {
  const spokes = spokesByHub(regions);
  const expanded = new Set<string>();
  let level = roots(regions);
  let drawn = level.length;
  // a hub cycle (a conflict the backend reports) must not loop forever
  const seen = new Set(level);
  while (level.length > 0) {
    const next = level
      .flatMap(ref => spokes.get(ref) ?? [])
      .filter(ref => !seen.has(ref));
    if (next.length === 0 || drawn + next.length > budget) {
      break;
    }
    level.forEach(ref => spokes.has(ref) && expanded.add(ref));
    next.forEach(ref => seen.add(ref));
    drawn += next.length;
    level = next;
  }
  return expanded;
}

/** The hub chain above a region, nearest first. */
export function hubsAbove(regions: TopologyRegion[], ref: string): string[] {
  const byRef = new Map(regions.map(region => [region.ref, region]));
  const chain: string[] = [];
  let hub = byRef.get(ref)?.hub;
  while (hub && byRef.has(hub) && !chain.includes(hub) && hub !== ref) {
    chain.push(hub);
    hub = byRef.get(hub)!.hub;
  }
  return chain;
}

function worseLatency(
  a: TopologyEdge['latency'],
  b: TopologyEdge['latency'],
): TopologyEdge['latency'] {
  if (!a || !b) {
    return a ?? b;
  }
  if (a.breached !== b.breached) {
    return a.breached ? a : b;
  }
  return (a.measuredMs ?? -1) >= (b.measuredMs ?? -1) ? a : b;
}

/**
 * The nodes and edges to draw: collapsed hubs hide their spokes (at every
 * level below) and carry their edges; with `focus`, only the focused region,
 * its hub chain and its direct neighbours are drawn.
 */
export function buildGraph(
  regions: TopologyRegion[],
  edges: TopologyEdge[],
  expanded: ReadonlySet<string>,
  focus?: string,
): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const byRef = new Map(regions.map(region => [region.ref, region]));
  const spokes = spokesByHub(regions);

  // each region's visible stand-in: itself, or its nearest collapsed hub above
  const visibleAs = new Map<string, string>();
  const descendants = new Map<string, string[]>();
  const walk = (ref: string, standIn: string | undefined, path: string[]) => {
    if (path.includes(ref)) {
      return;
    }
    visibleAs.set(ref, standIn ?? ref);
    for (const hub of path) {
      descendants.get(hub)!.push(ref);
    }
    descendants.set(ref, []);
    const hidden = standIn ?? (expanded.has(ref) ? undefined : ref);
    for (const spoke of spokes.get(ref) ?? []) {
      walk(spoke, hidden, [...path, ref]);
    }
  };
  roots(regions).forEach(ref => walk(ref, undefined, []));
  // regions only reachable through a hub cycle are drawn on their own
  regions.forEach(r => visibleAs.has(r.ref) || walk(r.ref, undefined, []));

  // the layout keeps one edge per ordered pair: hub edges first, then
  // replication, then links (undirected, so turned around when taken)
  const kindOrder = ['hub', 'replication', 'link'];
  const ordered = [...edges].sort(
    (x, y) => kindOrder.indexOf(x.kind) - kindOrder.indexOf(y.kind),
  );
  const pairKind = new Map<string, TopologyEdge['kind']>();
  const merged = new Map<string, GraphEdge>();
  for (const edge of ordered) {
    const from = visibleAs.get(edge.from);
    const to = visibleAs.get(edge.to);
    if (!from || !to || from === to) {
      continue;
    }
    // hubs lead, so the drawing reads from global hubs to edges
    let [a, b] = edge.kind === 'hub' ? [to, from] : [from, to];
    const taken = (x: string, y: string) =>
      (pairKind.get(`${x}|${y}`) ?? edge.kind) !== edge.kind;
    // a link declared on both ends is one link
    const reverse = edge.kind === 'link' && merged.has(`link|${b}|${a}`);
    if (reverse || (taken(a, b) && edge.kind === 'link')) {
      [a, b] = [b, a];
    }
    // a link between two regions already joined (by a hub or replication
    // edge) rides on that edge: the layout has one edge per ordered pair
    const kind = taken(a, b) ? pairKind.get(`${a}|${b}`)! : edge.kind;
    pairKind.set(`${a}|${b}`, kind);
    const key = `${kind}|${a}|${b}`;
    const standby = byRef.get(edge.from)?.replication?.status;
    const current = merged.get(key);
    merged.set(key, {
      from: a,
      to: b,
      kind,
      count: (current?.count ?? 0) + (kind === edge.kind ? 1 : 0),
      carriesLink: current?.carriesLink || edge.kind === 'link',
      latencyTargets: [
        ...new Set([
          ...(current?.latencyTargets ?? []),
          ...(edge.latencyTargetMs === undefined ? [] : [edge.latencyTargetMs]),
        ]),
      ].sort((x, y) => x - y),
      latency: worseLatency(current?.latency, edge.latency),
      replicationStatus:
        edge.kind === 'replication'
          ? standby ?? current?.replicationStatus
          : current?.replicationStatus,
    });
  }
  let graphEdges = [...merged.values()];

  let drawn = new Set(
    regions.filter(r => visibleAs.get(r.ref) === r.ref).map(r => r.ref),
  );
  if (focus && drawn.has(focus)) {
    const neighbourhood = new Set([focus, ...hubsAbove(regions, focus)]);
    graphEdges
      .filter(edge => edge.from === focus || edge.to === focus)
      .forEach(edge => neighbourhood.add(edge.from).add(edge.to));
    drawn = neighbourhood;
    graphEdges = graphEdges.filter(
      edge => drawn.has(edge.from) && drawn.has(edge.to),
    );
  }

  const nodes = regions
    .filter(region => drawn.has(region.ref))
    .map(region => {
      const below = descendants.get(region.ref) ?? [];
      const collapsed = below.length > 0 && !expanded.has(region.ref);
      const hiddenHealth = collapsed
        ? below.map(ref => byRef.get(ref)?.health?.status ?? 'unknown')
        : [];
      return {
        id: region.ref,
        region,
        descendants: below.length,
        collapsed,
        hiddenDown: hiddenHealth.filter(status => status === 'down').length,
        hiddenDegraded: hiddenHealth.filter(status => status === 'degraded')
          .length,
        focused: region.ref === focus,
      };
    });
  return { nodes, edges: graphEdges };
}
