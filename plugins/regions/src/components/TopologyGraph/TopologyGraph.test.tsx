import { renderInTestApp } from '@backstage/frontend-test-utils';
import { TopologyEdge, TopologyRegion } from '@meridian/plugin-regions-common';
import { screen, within } from '@testing-library/react';
import {
  allRegions,
  backendTopology,
  mountedRoutes,
} from '../../testing/fixtures';
import { sulDrift, switchedOverTopology } from '../../testing/driftFixtures';
import { TopologyGraph } from './TopologyGraph';

function renderGraph(regions: TopologyRegion[], edges: TopologyEdge[]) {
  return renderInTestApp(<TopologyGraph regions={regions} edges={edges} />, {
    mountedRoutes,
  });
}

function layer(name: string) {
  return within(screen.getByRole('group', { name }));
}

function node(ref: string, tier: 1 | 2 | 3): TopologyRegion {
  const name = ref.split('/')[1];
  return {
    ref,
    namespace: 'default',
    name,
    type: (['global-hub', 'regional-hub', 'edge'] as const)[tier - 1],
    tier,
    lifecycle: 'production',
    owner: 'group:default/sre',
    status: 'ok',
    conflicts: 0,
  };
}

describe('TopologyGraph', () => {
  it('draws one node per region in the layer of its tier', async () => {
    const { regions, edges } = backendTopology();
    renderGraph(regions, edges);

    expect(
      await screen.findByRole('group', { name: 'Region topology' }),
    ).toBeInTheDocument();
    expect(
      layer('Tier 1 · global hubs')
        .getAllByRole('link')
        .map(link => link.getAttribute('aria-label')),
    ).toEqual([
      'studio-primary, Studio Primary, São Paulo, BR, observed primary',
    ]);
    expect(
      layer('Tier 2 · regional hubs')
        .getAllByRole('link')
        .map(link => link.getAttribute('aria-label')),
    ).toEqual([
      'studio-sul, Studio-Sul (Porto Alegre), Porto Alegre, BR, observed standby, 1 conflict',
      'us-east, US East, Ashburn, US, 1 conflict',
    ]);
    expect(
      layer('Tier 3 · edges')
        .getAllByRole('link')
        .map(link => link.getAttribute('aria-label')),
    ).toEqual(['studio-pelotas, Studio Pelotas, Pelotas, BR']);
    expect(screen.getAllByRole('link')).toHaveLength(allRegions.length);
  });

  it('links every node to its region page', async () => {
    const { regions, edges } = backendTopology();
    renderGraph(regions, edges);

    expect(
      await screen.findByRole('link', { name: /^studio-sul,/ }),
    ).toHaveAttribute('href', '/catalog/default/region/studio-sul');
    expect(
      screen.getByRole('link', { name: /^studio-pelotas,/ }),
    ).toHaveAttribute('href', '/catalog/default/region/studio-pelotas');
  });

  it('draws solid hub edges, dashed links labelled with their latency target and replication edges', async () => {
    const { regions, edges } = backendTopology();
    renderGraph(regions, edges);

    const hubEdges = within(
      await screen.findByRole('group', { name: 'Hub edges' }),
    );
    const spoke = hubEdges.getByLabelText(
      'Studio Pelotas is a spoke of Studio-Sul (Porto Alegre)',
    );
    expect(spoke).not.toHaveAttribute('stroke-dasharray');
    expect(
      hubEdges.getByLabelText(
        'Studio-Sul (Porto Alegre) is a spoke of Studio Primary',
      ),
    ).toBeInTheDocument();
    expect(
      hubEdges.getByLabelText('US East is a spoke of Studio Primary'),
    ).toBeInTheDocument();

    const links = within(screen.getByRole('group', { name: 'Declared links' }));
    expect(
      links.getByLabelText(
        'Link between Studio-Sul (Porto Alegre) and Studio Primary, latency target 35 ms',
      ),
    ).toHaveAttribute('stroke-dasharray');
    expect(links.getByText('35 ms')).toBeInTheDocument();
    expect(links.getByText('120 ms')).toBeInTheDocument();

    expect(
      within(
        screen.getByRole('group', { name: 'Replication edges' }),
      ).getByLabelText(
        'Studio-Sul (Porto Alegre) replicates from Studio Primary',
      ),
    ).toBeInTheDocument();
  });

  it('draws a link declared on both ends once, with every distinct latency target', async () => {
    const regions = [node('region:default/a', 2), node('region:default/b', 2)];
    renderGraph(regions, [
      {
        from: regions[0].ref,
        to: regions[1].ref,
        kind: 'link',
        latencyTargetMs: 40,
      },
      {
        from: regions[1].ref,
        to: regions[0].ref,
        kind: 'link',
        latencyTargetMs: 35,
      },
    ]);

    const links = within(
      await screen.findByRole('group', { name: 'Declared links' }),
    );
    expect(links.getAllByLabelText(/^Link between/)).toHaveLength(1);
    expect(links.getByText('35 / 40 ms')).toBeInTheDocument();
  });

  it('orders each layer by hub so that spokes sit under their hub', async () => {
    // Names alone would interleave the spokes of the two hubs.
    const regions = [
      node('region:default/hub-a', 2),
      node('region:default/hub-b', 2),
      { ...node('region:default/a-spoke', 3), hub: 'region:default/hub-b' },
      { ...node('region:default/b-spoke', 3), hub: 'region:default/hub-a' },
      { ...node('region:default/c-spoke', 3), hub: 'region:default/hub-b' },
    ];
    renderGraph(regions, []);

    expect(
      (await screen.findAllByRole('link'))
        .filter(link => link.getAttribute('href')!.includes('spoke'))
        .map(link => link.getAttribute('aria-label')),
    ).toEqual(['b-spoke', 'a-spoke', 'c-spoke']);
  });

  it('keeps unrelated topologies apart and centres each hub over its spokes', async () => {
    const regions = [
      node('region:default/alpha-hub', 1),
      {
        ...node('region:default/alpha-edge-1', 3),
        hub: 'region:default/alpha-hub',
      },
      {
        ...node('region:default/alpha-edge-2', 3),
        hub: 'region:default/alpha-hub',
      },
      node('region:default/beta-hub', 1),
      {
        ...node('region:default/beta-edge', 3),
        hub: 'region:default/beta-hub',
      },
    ];
    const edges: TopologyEdge[] = regions
      .filter(region => region.hub)
      .map(region => ({ from: region.ref, to: region.hub!, kind: 'hub' }));
    renderGraph(regions, edges);

    const x = async (name: string) =>
      Number(
        (await screen.findByRole('link', { name }))
          .querySelector('rect')!
          .getAttribute('x'),
      );
    const [hubA, edgeA1, edgeA2, hubB, edgeB] = await Promise.all(
      [
        'alpha-hub',
        'alpha-edge-1',
        'alpha-edge-2',
        'beta-hub',
        'beta-edge',
      ].map(x),
    );
    expect(hubA).toBe((edgeA1 + edgeA2) / 2);
    expect(hubB).toBe(edgeB);
    expect(Math.max(hubA, edgeA1, edgeA2)).toBeLessThan(Math.min(hubB, edgeB));
  });

  it('highlights regions with conflicts and explains the drawing in a legend', async () => {
    const { regions, edges } = backendTopology();
    renderGraph(regions, edges);

    expect(
      await screen.findByRole('link', {
        name: /^us-east, US East.*1 conflict$/,
      }),
    ).toBeInTheDocument();
    expect(screen.getByText('Spoke to hub')).toBeInTheDocument();
    expect(
      screen.getByText('Declared link, with its latency target'),
    ).toBeInTheDocument();
    expect(screen.getByText('Replication from a source')).toBeInTheDocument();
    expect(
      screen.getByText('Region with conflicts (count in the badge)'),
    ).toBeInTheDocument();
  });

  it('shows the role each node says it has, and marks a drift from the catalog', async () => {
    const { regions, edges } = switchedOverTopology(false);
    renderGraph(regions, edges);

    const sul = await screen.findByRole('link', { name: /^studio-sul,/ });
    expect(sul).toHaveAccessibleName(
      `studio-sul, Studio-Sul (Porto Alegre), Porto Alegre, BR, observed primary (role drift: ${
        sulDrift(false).message
      }), 1 conflict`,
    );
    expect(within(sul).getByText('⚠ primary')).toBeInTheDocument();
    const primary = screen.getByRole('link', { name: /^studio-primary,/ });
    expect(within(primary).getByText('⚠ fenced')).toBeInTheDocument();
    expect(primary.querySelector('title')).toHaveTextContent(
      /Role drift: declared primary, fenced since run run-switchover-1/,
    );
    // drawn dashed in the warning colour, where no conflict outlines it in red
    expect(primary.querySelector('rect')).toHaveAttribute(
      'stroke-dasharray',
      '6 3',
    );
    expect(
      screen.getByText(
        "Role drift: the node's role (on its edge) contradicts the catalog",
      ),
    ).toBeInTheDocument();
    // a region no node speaks for carries no role
    expect(
      within(screen.getByRole('link', { name: /^us-east,/ })).queryByText(
        /primary|standby/,
      ),
    ).not.toBeInTheDocument();
  });

  it('leaves out edges to regions it does not draw', async () => {
    const regions = [node('region:default/a', 2)];
    renderGraph(regions, [
      { from: 'region:default/a', to: 'region:default/gone', kind: 'hub' },
    ]);

    expect(await screen.findByRole('link', { name: 'a' })).toBeInTheDocument();
    expect(screen.queryByLabelText(/is a spoke of/)).not.toBeInTheDocument();
  });

  it('says so when there are no regions', async () => {
    renderGraph([], []);

    expect(await screen.findByText('No regions to draw')).toBeInTheDocument();
    expect(
      screen.queryByRole('group', { name: 'Region topology' }),
    ).not.toBeInTheDocument();
  });
});
