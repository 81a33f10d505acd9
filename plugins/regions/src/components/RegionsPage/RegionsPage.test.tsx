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

describe('RegionsPage', () => {
  it('lists the Meridian regions of the catalog with their backend status', async () => {
    renderPage();

    expect(await screen.findByText('Regions (4)')).toBeInTheDocument();
    expect(await screen.findAllByText('1 conflict')).toHaveLength(2);
    expect(screen.queryByText('not-ours')).not.toBeInTheDocument();
  });

  it('switches to the topology view', async () => {
    renderPage();
    await screen.findByText('Regions (4)');

    await userEvent.click(screen.getByRole('tab', { name: 'Topology' }));

    const graph = within(
      await screen.findByRole('group', { name: 'Region topology' }),
    );
    expect(graph.getAllByRole('link')).toHaveLength(4);
    expect(graph.getByText('35 ms')).toBeInTheDocument();
  });

  it("draws the catalog's regions with the roles their nodes say they have", async () => {
    renderPage(
      fakeRegionsApi({ getTopology: async () => switchedOverTopology(true) }),
    );
    await screen.findByText('Regions (4)');

    await userEvent.click(screen.getByRole('tab', { name: 'Topology' }));

    const graph = within(
      await screen.findByRole('group', { name: 'Region topology' }),
    );
    expect(
      graph.getByRole('link', {
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
      await screen.findByText(/Region status is unavailable/),
    ).toBeInTheDocument();
    expect(screen.getByText('Regions (4)')).toBeInTheDocument();
    expect(screen.getAllByText('Unknown')).toHaveLength(4);

    await userEvent.click(screen.getByRole('tab', { name: 'Topology' }));
    expect(
      within(
        await screen.findByRole('group', { name: 'Region topology' }),
      ).getAllByRole('link'),
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
      await screen.findByText(/Could not load regions from the catalog/),
    ).toBeInTheDocument();
  });

  it('says so in both views when there are no regions', async () => {
    renderPage(fakeRegionsApi(), catalogApiMock({ entities: [] }));

    expect(await screen.findByText('No regions yet')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('tab', { name: 'Topology' }));
    expect(await screen.findByText('No regions to draw')).toBeInTheDocument();
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
      await screen.findByRole('heading', { name: 'Regions' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Regions (4)')).toBeInTheDocument();
  });
});
