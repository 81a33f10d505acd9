import { TopologyEdge, TopologyRegion } from '@meridian/plugin-regions-common';
import {
  FIRST_DRAW_BUDGET,
  buildGraph,
  hubsAbove,
  initiallyExpanded,
} from './graphModel';

function region(
  name: string,
  tier: 1 | 2 | 3,
  hub?: string,
  health?: TopologyRegion['health'],
): TopologyRegion {
  return {
    ref: `region:default/${name}`,
    namespace: 'default',
    name,
    type: (['global-hub', 'regional-hub', 'edge'] as const)[tier - 1],
    tier,
    lifecycle: 'production',
    owner: 'group:default/sre',
    hub: hub && `region:default/${hub}`,
    status: 'ok',
    conflicts: 0,
    health,
  };
}

/** 3 global hubs, 16 regional hubs each, 20 edges under each: 1,011 regions. */
function largeTopology() {
  const regions: TopologyRegion[] = [];
  for (let g = 0; g < 3; g++) {
    regions.push(region(`g${g}`, 1));
    for (let r = 0; r < 16; r++) {
      regions.push(region(`g${g}-r${r}`, 2, `g${g}`));
      for (let e = 0; e < 20; e++) {
        regions.push(
          region(
            `g${g}-r${r}-e${e}`,
            3,
            `g${g}-r${r}`,
            e === 0 ? { status: 'down', reason: 'probe down' } : undefined,
          ),
        );
      }
    }
  }
  const edges: TopologyEdge[] = regions
    .filter(r => r.hub)
    .map(r => ({ from: r.ref, to: r.hub!, kind: 'hub' as const }));
  // each edge links to the first edge of the next regional hub
  edges.push(
    ...regions
      .filter(r => r.tier === 3)
      .map(r => ({
        from: r.ref,
        to: 'region:default/g0-r1-e0',
        kind: 'link' as const,
        latencyTargetMs: 50,
        latency: {
          targetMs: 50,
          measuredMs: r.name.endsWith('e3') ? 80 : 20,
          breached: r.name.endsWith('e3'),
          source: 'probes' as const,
          measuredAt: null,
        },
      })),
  );
  return { regions, edges };
}

describe('topology graph model', () => {
  it('opens 1,000 regions as their global and regional hubs, within the budget', () => {
    const { regions, edges } = largeTopology();
    const expanded = initiallyExpanded(regions);
    const graph = buildGraph(regions, edges, expanded);

    expect(regions.length).toBe(1011);
    expect(graph.nodes.length).toBe(3 + 48);
    expect(graph.nodes.length).toBeLessThanOrEqual(FIRST_DRAW_BUDGET);
    const hub = graph.nodes.find(n => n.id === 'region:default/g1-r2')!;
    expect(hub).toMatchObject({
      collapsed: true,
      descendants: 20,
      hiddenDown: 1,
    });
    expect(graph.nodes.find(n => n.id === 'region:default/g1')).toMatchObject({
      collapsed: false,
      descendants: 336,
    });
  });

  it('carries the edges of hidden regions on their collapsed hub, merged, with the worst latency', () => {
    const { regions, edges } = largeTopology();
    const graph = buildGraph(regions, edges, initiallyExpanded(regions));

    const link = graph.edges.find(
      e =>
        e.kind === 'link' &&
        e.from === 'region:default/g2-r5' &&
        e.to === 'region:default/g0-r1',
    )!;
    expect(link.count).toBe(20);
    expect(link.latency).toMatchObject({ measuredMs: 80, breached: true });
    // no edge to a region that is not drawn
    const drawn = new Set(graph.nodes.map(n => n.id));
    expect(graph.edges.every(e => drawn.has(e.from) && drawn.has(e.to))).toBe(
      true,
    );
  });

  it('draws every region when the topology fits the budget', () => {
    const regions = [
      region('hub', 1),
      region('a', 2, 'hub'),
      region('b', 3, 'a'),
    ];
    const graph = buildGraph(regions, [], initiallyExpanded(regions));

    expect(graph.nodes.map(n => n.region.name)).toEqual(['hub', 'a', 'b']);
    expect(graph.nodes.every(n => !n.collapsed)).toBe(true);
  });

  it('focuses one region with its hub chain and direct neighbours', () => {
    const { regions, edges } = largeTopology();
    const focus = 'region:default/g2-r7-e3';
    const expanded = new Set([
      ...initiallyExpanded(regions),
      ...hubsAbove(regions, focus),
    ]);
    const graph = buildGraph(regions, edges, expanded, focus);

    expect(hubsAbove(regions, focus)).toEqual([
      'region:default/g2-r7',
      'region:default/g2',
    ]);
    expect(graph.nodes.map(n => n.region.name).sort()).toEqual([
      'g0-r1',
      'g2',
      'g2-r7',
      'g2-r7-e3',
    ]);
    expect(graph.nodes.find(n => n.id === focus)?.focused).toBe(true);
    expect(
      graph.edges.find(e => e.kind === 'link' && e.from === focus),
    ).toMatchObject({
      to: 'region:default/g0-r1',
      latency: { breached: true },
    });
  });

  it('survives a hub cycle', () => {
    const regions = [region('a', 2, 'b'), region('b', 2, 'a')];
    const graph = buildGraph(regions, [], initiallyExpanded(regions));

    // a (first found) stands for b, which can be expanded from it
    expect(graph.nodes).toEqual([
      expect.objectContaining({ id: 'region:default/a', descendants: 1 }),
    ]);
  });
});
