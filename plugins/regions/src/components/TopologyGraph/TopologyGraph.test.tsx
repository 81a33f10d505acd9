import { renderInTestApp } from '@backstage/frontend-test-utils';
import { TopologyEdge, TopologyRegion } from '@meridian/plugin-regions-common';
import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { backendTopology, mountedRoutes } from '../../testing/fixtures';
import { sulDrift, switchedOverTopology } from '../../testing/driftFixtures';
import { TopologyGraph } from './TopologyGraph';

// rendering an app and laying out a graph under the shared machine's load takes seconds
jest.setTimeout(60_000);
const slow = { timeout: 20_000 };

function renderGraph(regions: TopologyRegion[], edges: TopologyEdge[]) {
  return renderInTestApp(<TopologyGraph regions={regions} edges={edges} />, {
    mountedRoutes,
  });
}

function region(name: string, tier: 1 | 2 | 3, hub?: string): TopologyRegion {
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
  };
}

/** Three hubs with 30 spokes each: more than the first drawing shows. */
function threeHubs() {
  const regions = ['north', 'south', 'west'].flatMap(hub => [
    region(hub, 2),
    ...Array.from({ length: 30 }, (_, i) => ({
      ...region(`${hub}-${i}`, 3, hub),
      health:
        i === 0
          ? { status: 'down' as const, reason: 'probe down' }
          : { status: 'up' as const, reason: 'all probes up' },
    })),
  ]);
  const edges = regions
    .filter(r => r.hub)
    .map(r => ({ from: r.ref, to: r.hub!, kind: 'hub' as const }));
  return { regions, edges };
}

function healthOf(link: HTMLElement) {
  return link.querySelector('rect')?.getAttribute('data-health');
}

describe('TopologyGraph', () => {
  beforeAll(() => {
    // jsdom lays nothing out; the graph measures each node with getBBox
    Object.defineProperty(window.SVGElement.prototype, 'getBBox', {
      configurable: true,
      value: () => ({ x: 0, y: 0, width: 180, height: 52 }),
    });
  });

  it('draws every region linking to its page, coloured by its health', async () => {
    const topology = backendTopology();
    const regions = topology.regions.map(r =>
      r.name === 'studio-sul'
        ? {
            ...r,
            health: { status: 'down' as const, reason: 'all probes down' },
          }
        : r,
    );
    renderGraph(regions, topology.edges);

    const sul = await screen.findByRole(
      'link',
      { name: /^studio-sul, .*health down/ },
      slow,
    );
    expect(sul).toHaveAttribute('href', '/catalog/default/region/studio-sul');
    expect(healthOf(sul)).toBe('down');
    expect(sul.querySelector('title')).toHaveTextContent(
      'Health: all probes down',
    );
    const pelotas = screen.getByRole('link', { name: /^studio-pelotas,/ });
    expect(healthOf(pelotas)).toBe('unknown');
    expect(
      screen
        .getAllByRole('link')
        .filter(link => link.getAttribute('href')?.startsWith('/catalog')),
    ).toHaveLength(regions.length);
    expect(
      screen.getByText('4 of 4 regions drawn', { exact: false }),
    ).toBeInTheDocument();
  });

  it('marks a link breaching its latency target and colours replication by its status', async () => {
    const topology = backendTopology();
    const edges: TopologyEdge[] = topology.edges.map(edge =>
      edge.kind === 'link' && edge.latencyTargetMs === 35
        ? {
            ...edge,
            latency: {
              targetMs: 35,
              measuredMs: 61.4,
              breached: true,
              source: 'prometheus',
              measuredAt: '2026-09-20T12:00:00.000Z',
            },
          }
        : edge,
    );
    renderGraph(topology.regions, edges);

    const breached = await screen.findByLabelText(
      /breaches its latency target/,
      undefined,
      slow,
    );
    // the link rides on studio-sul's edge to its hub
    expect(breached).toHaveAttribute(
      'aria-label',
      'region:default/studio-sul is a spoke of region:default/studio-primary, and a link, latency 61 ms > 35 ms, breaches its latency target',
    );
    expect(screen.getByText('61 ms > 35 ms')).toBeInTheDocument();
    const replication = screen.getAllByLabelText(/replicates from/)[0];
    expect(replication).toHaveAttribute('data-kind', 'replication');
    expect(screen.getByText('Link breaching its latency target')).toBeVisible();
  });

  it('collapses the spokes of large topologies under their hubs, and expands them on demand', async () => {
    const { regions, edges } = threeHubs();
    renderGraph(regions, edges);

    const north = await screen.findByRole(
      'link',
      { name: /^north, .*\+30 regions · 1 down hidden/ },
      slow,
    );
    // a hub hiding a region that is down is not drawn as healthy
    expect(healthOf(north)).toBe('degraded');
    expect(screen.queryByRole('link', { name: /^north-1,/ })).toBeNull();
    expect(screen.getByText(/3 of 93 regions drawn/)).toBeInTheDocument();

    // a click, not userEvent's pointer sequence: d3-zoom owns the pointer
    fireEvent.click(
      screen.getByRole('button', {
        name: 'Expand the 30 regions under north',
      }),
    );
    expect(
      await screen.findByRole('link', { name: /^north-1,/ }, slow),
    ).toBeInTheDocument();
    expect(screen.getByText(/33 of 93 regions drawn/)).toBeInTheDocument();

    fireEvent.click(
      screen.getByRole('button', {
        name: 'Collapse the 30 regions under north',
      }),
    );
    expect(
      await screen.findByText(/3 of 93 regions drawn/, undefined, slow),
    ).toBeInTheDocument();
  });

  it('focuses a region found by the search, with its hub, and shows all again', async () => {
    const { regions, edges } = threeHubs();
    renderGraph(regions, edges);
    await screen.findByRole('link', { name: /^north,/ }, slow);

    await userEvent.type(
      screen.getByRole('textbox', { name: 'Find a region' }),
      'south-12',
    );
    await userEvent.click(
      await screen.findByRole('option', { name: 'south-12' }, slow),
    );

    expect(
      await screen.findByText(
        'south-12 and its neighbours: 2 of 93 regions',
        undefined,
        slow,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /^south-12,/ }).querySelector('rect'),
    ).toHaveAttribute('stroke-width', '5');
    expect(screen.queryByRole('link', { name: /^north,/ })).toBeNull();

    await userEvent.click(
      screen.getByRole('button', { name: 'Show all regions' }),
    );
    // south stays expanded: the search opened it
    expect(
      await screen.findByText(/33 of 93 regions drawn/, undefined, slow),
    ).toBeInTheDocument();
  });

  it('shows the role each node says it has, and marks a drift from the catalog', async () => {
    const { regions, edges } = switchedOverTopology(false);
    renderGraph(regions, edges);

    const sul = await screen.findByRole('link', { name: /^studio-sul,/ }, slow);
    expect(sul).toHaveAccessibleName(
      `studio-sul, Studio-Sul (Porto Alegre), Porto Alegre, BR, observed primary (role drift: ${
        sulDrift(false).message
      }), 1 conflict`,
    );
    expect(within(sul).getByText('⚠ primary')).toBeInTheDocument();
    const primary = screen.getByRole('link', { name: /^studio-primary,/ });
    expect(within(primary).getByText('⚠ fenced')).toBeInTheDocument();
    expect(primary.querySelector('rect')).toHaveAttribute(
      'stroke-dasharray',
      '6 3',
    );
  });

  it('says so when there are no regions', async () => {
    renderGraph([], []);

    expect(
      await screen.findByText('No regions to draw', undefined, slow),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('group', { name: 'Region topology' }),
    ).not.toBeInTheDocument();
  });
});
