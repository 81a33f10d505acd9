import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { regionsApiRef, RegionsApi } from '../../api';
import {
  allRegions,
  fakeRegionsApi,
  mountedRoutes,
} from '../../testing/fixtures';
import { RegionsPageContent } from '../RegionsPage';
import { NetworkView } from './NetworkView';

function renderView(regionsApi: RegionsApi = fakeRegionsApi()) {
  return renderInTestApp(<NetworkView />, {
    mountedRoutes,
    apis: [[regionsApiRef, regionsApi]],
  });
}

/** The cells of each body row of the table with this title. */
async function rowsOf(title: string): Promise<string[][]> {
  const heading = await screen.findByText(title);
  const table = within(heading.closest('[class*="MuiPaper"]') as HTMLElement);
  return table
    .getAllByRole('row')
    .slice(1)
    .map(row =>
      within(row)
        .getAllByRole('cell')
        .map(cell => cell.textContent ?? ''),
    );
}

describe('NetworkView', () => {
  it('lists each pool with its use and next free block', async () => {
    await renderView();

    expect(await rowsOf('CIDR pools (2)')).toEqual([
      ['brazil', '10.16.0.0/12', '/16 blocks', '3 of 16', '13', '10.19.0.0/16'],
      ['lab', '192.168.0.0/23', '/24 blocks', '2 of 2', '0', 'exhausted'],
    ]);
  });

  it('lists each allocation, newest first, with a link to its region', async () => {
    await renderView();

    expect(await rowsOf('Allocations (2)')).toEqual([
      ['10.18.0.0/16', 'studio-s2', '2026-09-20 14:05 UTC', 'brazil'],
      ['10.17.0.0/16', 'studio-pelotas', '2026-09-18 09:30 UTC', 'brazil'],
    ]);
    expect(screen.getByRole('link', { name: 'studio-s2' })).toHaveAttribute(
      'href',
      '/catalog/default/region/studio-s2',
    );
  });

  it('says how to declare pools when there are none', async () => {
    await renderView(
      fakeRegionsApi({
        getPools: async () => ({ pools: [] }),
        getAllocations: async () => ({ allocations: [] }),
      }),
    );

    expect(await screen.findByText('No CIDR pools')).toBeInTheDocument();
    expect(screen.getByText(/under regions.pools in app-config/)).toBeVisible();
  });

  it('says so when no block has been allocated yet', async () => {
    await renderView(
      fakeRegionsApi({ getAllocations: async () => ({ allocations: [] }) }),
    );

    expect(await screen.findByText('Allocations (0)')).toBeInTheDocument();
    expect(screen.getByText(/No blocks allocated yet/)).toBeInTheDocument();
  });

  it('shows the error when the backend cannot answer', async () => {
    await renderView(
      fakeRegionsApi({
        getAllocations: async () => {
          throw new Error('regions backend is down');
        },
      }),
    );

    expect(
      await screen.findByText(/Could not load the CIDR pools and allocations/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/regions backend is down/).length,
    ).toBeGreaterThan(0);
  });

  it('is the Network tab of the Regions page', async () => {
    await renderInTestApp(<RegionsPageContent />, {
      mountedRoutes,
      apis: [
        [catalogApiRef, catalogApiMock({ entities: allRegions })],
        [regionsApiRef, fakeRegionsApi()],
      ],
    });
    await screen.findByText('Regions (4)');

    await userEvent.click(screen.getByRole('tab', { name: 'Network' }));

    expect(await screen.findByText('CIDR pools (2)')).toBeInTheDocument();
    expect(screen.getByText('Allocations (2)')).toBeInTheDocument();
  });
});
