import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RegionsApi, regionsApiRef } from '../../api';
import {
  fakeRegionsApi,
  mountedRoutes,
  studioPelotas,
  studioSul,
} from '../../testing/fixtures';
import { degradedHealth, unprobedHealth } from '../../testing/healthFixtures';
import { RegionHealthCard } from './RegionHealthCard';

function renderCard(entity = studioSul, regionsApi: RegionsApi) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <RegionHealthCard />
    </EntityProvider>,
    { mountedRoutes, apis: [[regionsApiRef, regionsApi]] },
  );
}

// rendering an app under the shared machine's load takes seconds
jest.setTimeout(30_000);
const slow = { timeout: 15_000 };

describe('RegionHealthCard', () => {
  it("shows the region's status and each probe against its thresholds", async () => {
    renderCard(studioSul, fakeRegionsApi());

    expect(
      await screen.findByText(
        '1 of 2 probes down: sul-db (connection refused)',
        undefined,
        slow,
      ),
    ).toBeInTheDocument();
    const api = screen.getByRole('row', { name: /^sul-api/ });
    expect(within(api).getByText('degraded')).toBeInTheDocument();
    expect(within(api).getByText('340 ms > 200 ms')).toBeInTheDocument();
    expect(within(api).getByText('0 (down at 3)')).toBeInTheDocument();
    expect(within(api).getByText('0.4%')).toBeInTheDocument();
    const db = screen.getByRole('row', { name: /^sul-db/ });
    expect(within(db).getByText('down')).toBeInTheDocument();
    expect(within(db).getByText('4 (down at 3)')).toBeInTheDocument();
    expect(within(db).getByText('— / 200 ms')).toBeInTheDocument();
    expect(within(db).getByText('25%')).toBeInTheDocument();
    expect(within(db).getByText('connection refused')).toBeInTheDocument();
    expect(
      screen.getByRole('figure', { name: 'Probe latency over time' }),
    ).toBeInTheDocument();
  });

  it('reads another window when the user picks it', async () => {
    const getHealth = jest.fn(async (_ref, window) => degradedHealth(window));
    renderCard(studioSul, fakeRegionsApi({ getHealth }));
    await screen.findByRole('row', { name: /^sul-api/ }, slow);

    await userEvent.click(screen.getByRole('button', { name: '7 days' }));

    expect(getHealth).toHaveBeenLastCalledWith(
      { namespace: 'default', name: 'studio-sul' },
      '7d',
    );
  });

  it('says how to add a probe when none is configured', async () => {
    renderCard(
      studioPelotas,
      fakeRegionsApi({ getHealth: async () => unprobedHealth() }),
    );

    expect(
      await screen.findByText(
        /No probes configured for this region/,
        undefined,
        slow,
      ),
    ).toHaveTextContent(
      'No probes configured for this region — add regions.probes.<name> with region: default/studio-pelotas to the app config.',
    );
    expect(screen.getByText('unknown')).toBeInTheDocument();
    expect(screen.queryByRole('figure')).not.toBeInTheDocument();
  });

  it('shows the error when the backend fails', async () => {
    renderCard(
      studioSul,
      fakeRegionsApi({
        getHealth: async () => {
          throw new Error('probe store unavailable');
        },
      }),
    );

    expect(
      await screen.findByText(
        /Could not load the region's health/,
        undefined,
        slow,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('probe store unavailable')).toBeInTheDocument();
  });

  it('shows progress while loading', async () => {
    renderCard(
      studioSul,
      fakeRegionsApi({ getHealth: () => new Promise(() => {}) }),
    );

    expect(
      await screen.findByTestId('progress', undefined, slow),
    ).toBeInTheDocument();
  });
});
