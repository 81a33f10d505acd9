import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { regionsApiRef } from '../../api';
import {
  allRegions,
  fakeRegionsApi,
  mountedRoutes,
} from '../../testing/fixtures';
import { switchedOverTopology } from '../../testing/driftFixtures';
import { RegionsPage, RegionsPageContent } from './RegionsPage';

const otherRegionKind = {
  apiVersion: 'example.com/v1',
  kind: 'Region',
  metadata: { name: 'not-ours' },
  spec: {},
};

function renderPage(
  regionsApi = fakeRegionsApi(),
  catalogApi = catalogApiMock({ entities: [...allRegions, otherRegionKind] }),
) {
  return renderInTestApp(<RegionsPageContent />, {
    mountedRoutes,
    apis: [
      [catalogApiRef, catalogApi],
      [regionsApiRef, regionsApi],
    ],
  });
}

// the page renders a table and lays out a graph: seconds on a shared 2-core machine
jest.setTimeout(60_000);
const slow = { timeout: 20_000 };

describe('RegionsPage', () => {
  beforeAll(() => {
    // jsdom lays nothing out; the graph measures each node with getBBox
    Object.defineProperty(window.SVGElement.prototype, 'getBBox', {
      configurable: true,
      value: () => ({ x: 0, y: 0, width: 180, height: 52 }),
    });
  });

  it('lists the Meridian regions of the catalog with their backend status', async () => {
    renderPage();

    expect(
      await screen.findByText('Regions (4)', undefined, slow),
    ).toBeInTheDocument();
    expect(await screen.findAllByText('1 conflict')).toHaveLength(2);
    expect(screen.queryByText('not-ours')).not.toBeInTheDocument();
  });

  it('switches to the topology view', async () => {
    renderPage();
    await screen.findByText('Regions (4)', undefined, slow);

    await userEvent.click(screen.getByRole('tab', { name: 'Topology' }));

    const graph = within(
      await screen.findByRole('group', { name: 'Region topology' }, slow),
    );
    expect(await graph.findAllByRole('link', undefined, slow)).toHaveLength(4);
    expect(graph.getByText('target 35 ms')).toBeInTheDocument();
  });

  it("draws the catalog's regions with the roles their nodes say they have", async () => {
    renderPage(
      fakeRegionsApi({ getTopology: async () => switchedOverTopology(true) }),
    );
    await screen.findByText('Regions (4)', undefined, slow);

    await userEvent.click(screen.getByRole('tab', { name: 'Topology' }));

    const graph = within(
      await screen.findByRole('group', { name: 'Region topology' }, slow),
    );
    expect(
      await graph.findByRole('link', {
        name: /^studio-primary, .*, observed standby \(role drift: declared primary, standby of region:default\/studio-sul/,
      }),
    ).toBeInTheDocument();
    expect(
      graph.getByRole('link', {
        name: /^studio-sul, .*, observed primary \(role drift: declared warm-standby/,
      }),
    ).toBeInTheDocument();
  });

  it('still lists and draws the regions when the backend fails', async () => {
    renderPage(
      fakeRegionsApi({
        getTopology: async () => {
          throw new Error('regions backend is down');
        },
      }),
    );

    expect(
      await screen.findByText(/Region status is unavailable/, undefined, slow),
    ).toBeInTheDocument();
    expect(screen.getByText('Regions (4)')).toBeInTheDocument();
    expect(screen.getAllByText('Unknown')).toHaveLength(4);

    await userEvent.click(screen.getByRole('tab', { name: 'Topology' }));
    expect(
      await within(
        await screen.findByRole('group', { name: 'Region topology' }, slow),
      ).findAllByRole('link', undefined, slow),
    ).toHaveLength(4);
  });

  it('shows the catalog error when the regions cannot be read', async () => {
    renderPage(
      fakeRegionsApi(),
      catalogApiMock.mock({
        getEntities: async () => {
          throw new Error('catalog is down');
        },
      }),
    );

    expect(
      await screen.findByText(
        /Could not load regions from the catalog/,
        undefined,
        slow,
      ),
    ).toBeInTheDocument();
  });

  it('says so in both views when there are no regions', async () => {
    renderPage(fakeRegionsApi(), catalogApiMock({ entities: [] }));

    expect(
      await screen.findByText('No regions yet', undefined, slow),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('tab', { name: 'Topology' }));
    expect(
      await screen.findByText('No regions to draw', undefined, slow),
    ).toBeInTheDocument();
  });

  it('has a Regions header in legacy apps', async () => {
    renderInTestApp(<RegionsPage />, {
      mountedRoutes,
      apis: [
        [catalogApiRef, catalogApiMock({ entities: allRegions })],
        [regionsApiRef, fakeRegionsApi()],
      ],
    });

    expect(
      await screen.findByRole('heading', { name: 'Regions' }, slow),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Regions (4)', undefined, slow),
    ).toBeInTheDocument();
  });
});
