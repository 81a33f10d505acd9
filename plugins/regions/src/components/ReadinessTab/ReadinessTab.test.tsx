import { renderInTestApp, renderTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import regionsPlugin from '../../alpha';
import { RegionsApi, regionsApiRef, RegionsClient } from '../../api';
import {
  allRegions,
  backendTopology,
  fakeRegionsApi,
  mountedRoutes,
  studioSul,
} from '../../testing/fixtures';
import {
  readinessEvaluatedAt,
  sulReadiness,
} from '../../testing/readinessFixtures';
import { RegionsTable } from '../RegionsTable';
import { ReadinessTab } from './ReadinessTab';

// a page of cards and a chart take a while to render on a busy machine
jest.setTimeout(30_000);

// "5 s ago" for the evaluation, whenever the test runs
beforeEach(() => {
  jest
    .spyOn(Date, 'now')
    .mockReturnValue(Date.parse(readinessEvaluatedAt) + 5000);
});

afterEach(() => {
  jest.restoreAllMocks();
});

function renderTab(regionsApi: RegionsApi = fakeRegionsApi()) {
  return renderInTestApp(
    <EntityProvider entity={studioSul}>
      <ReadinessTab />
    </EntityProvider>,
    { mountedRoutes, apis: [[regionsApiRef, regionsApi]] },
  );
}

describe('ReadinessTab', () => {
  it('shows the score against the threshold and every category with its checks', async () => {
    const getReadiness = jest.fn(async () => sulReadiness());
    renderTab(fakeRegionsApi({ getReadiness }));

    expect(await screen.findByText('78% · not ready')).toBeInTheDocument();
    expect(getReadiness).toHaveBeenCalledWith({
      namespace: 'default',
      name: 'studio-sul',
    });
    expect(screen.getByText(/Ready from 94%/)).toBeInTheDocument();
    for (const title of [
      'Infrastructure · 100%',
      'Observability · 100%',
      'Deployment · 100%',
      'Security · 100%',
      'Backup & DR · 68%',
      'Documentation · 0%',
    ]) {
      expect(screen.getByText(title)).toBeInTheDocument();
    }

    const backupDr = within(
      screen.getByRole('region', { name: 'Backup & DR' }),
    );
    expect(backupDr.getAllByText('Passed')).toHaveLength(3);
    // a pass on an hour of the day wanted: the span and the credit are shown
    expect(
      backupDr.getByText(
        /over the 60 min observed; 1 d of observation earn full credit/,
      ),
    ).toBeInTheDocument();
    expect(
      backupDr.getByText(
        /^Observed over 59 min 52 s, from .* · partial credit: 4 % of this check's weight until the full span is observed$/,
      ),
    ).toBeInTheDocument();
    // a pass on full evidence claims no partial credit
    expect(backupDr.getAllByText(/partial credit/)).toHaveLength(1);

    const documentation = within(
      screen.getByRole('region', { name: 'Documentation' }),
    );
    expect(documentation.getByText('Failed')).toBeInTheDocument();
    expect(documentation.getByText('Runbook published')).toBeInTheDocument();
    expect(
      documentation.getByText(/^To fix: Publish the region's failover/),
    ).toBeInTheDocument();
    // a passed check has nothing to fix
    expect(
      within(screen.getByRole('region', { name: 'Security' })).queryByText(
        /To fix/,
      ),
    ).not.toBeInTheDocument();
  });

  it('shows a ready region as ready', async () => {
    renderTab(
      fakeRegionsApi({
        getReadiness: async () => ({
          ...sulReadiness(),
          score: 96.3,
          ready: true,
        }),
      }),
    );

    expect(await screen.findByText('96.3% · ready')).toBeInTheDocument();
  });

  it('draws the score over time against the threshold', async () => {
    renderTab();

    const chart = within(
      await screen.findByRole('figure', { name: 'Readiness score over time' }),
    );
    // recharts draws once it has measured its container, a render later
    expect(await chart.findByText('ready from 94%')).toBeInTheDocument();
  });

  it('says so before the first evaluation', async () => {
    renderTab(
      fakeRegionsApi({
        getReadiness: async () => ({
          ...sulReadiness(),
          score: 0,
          ready: false,
          evaluatedAt: null,
          categories: [],
          history: [],
        }),
      }),
    );

    expect(
      await screen.findByText('Readiness not evaluated yet'),
    ).toBeInTheDocument();
  });

  it('shows the error when the backend fails', async () => {
    renderTab(
      fakeRegionsApi({
        getReadiness: async () => {
          throw new Error('regions backend is down');
        },
      }),
    );

    expect(
      await screen.findByText(
        /Could not load readiness from the regions backend/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('regions backend is down')).toBeInTheDocument();
  });

  it('is the Readiness tab of Region pages in the new frontend system', async () => {
    renderTestApp({
      apis: [[regionsApiRef, fakeRegionsApi()]],
      extensions: [
        createTestEntityPage({ entity: studioSul }),
        regionsPlugin.getExtension('entity-content:regions/readiness'),
      ],
    });

    expect(await screen.findByText('78% · not ready')).toBeInTheDocument();
  });
});

describe('the readiness column of the Regions table', () => {
  it("shows each scored region's readiness and a dash for the others", async () => {
    const topology = backendTopology();
    topology.regions = topology.regions.map(r =>
      r.name === 'studio-sul'
        ? {
            ...r,
            readiness: {
              score: 77.8,
              ready: false,
              evaluatedAt: readinessEvaluatedAt,
            },
          }
        : r,
    );
    renderInTestApp(
      <RegionsTable entities={allRegions} topology={topology} />,
      {
        mountedRoutes,
      },
    );

    expect(await screen.findByText('Readiness')).toBeInTheDocument();
    const sulRow = screen
      .getAllByRole('row')
      .find(row => within(row).queryByText('studio-sul'))!;
    expect(within(sulRow).getByText('77.8% · not ready')).toBeInTheDocument();
    expect(screen.getAllByText('77.8% · not ready')).toHaveLength(1);
  });
});

describe('RegionsClient.getReadiness', () => {
  it('reads the readiness of a region, and rejects on an unknown one', async () => {
    const fetchApi = {
      fetch: jest
        .fn()
        .mockResolvedValueOnce(
          new Response(JSON.stringify(sulReadiness()), { status: 200 }),
        )
        .mockResolvedValueOnce(
          new Response(
            JSON.stringify({
              error: { name: 'NotFoundError', message: 'No region' },
            }),
            { status: 404 },
          ),
        ),
    };
    const client = new RegionsClient({
      discoveryApi: { getBaseUrl: async () => 'http://backstage/api/regions' },
      fetchApi,
    });

    await expect(
      client.getReadiness({ namespace: 'default', name: 'studio-sul' }),
    ).resolves.toEqual(sulReadiness());
    expect(fetchApi.fetch).toHaveBeenCalledWith(
      'http://backstage/api/regions/regions/default/studio-sul/readiness',
    );
    await expect(
      client.getReadiness({ namespace: 'default', name: 'gone' }),
    ).rejects.toMatchObject({ name: 'ResponseError' });
  });
});
