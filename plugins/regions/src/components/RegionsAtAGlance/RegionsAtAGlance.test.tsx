import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  ActiveFailoverRun,
  CostSummaryResponse,
  TopologyRegion,
  TopologyResponse,
} from '@meridian/plugin-regions-common';
import { screen, within } from '@testing-library/react';
import { regionsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { fakeRegionsApi, mountedRoutes } from '../../testing/fixtures';
import { RegionsAtAGlance } from './RegionsAtAGlance';

jest.setTimeout(30_000);

function region(
  name: string,
  facts: Partial<TopologyRegion> = {},
): TopologyRegion {
  return {
    ref: `region:default/${name}`,
    namespace: 'default',
    name,
    type: 'edge',
    tier: 3,
    lifecycle: 'production',
    owner: 'group:default/sre',
    status: 'ok',
    conflicts: 0,
    ...facts,
  };
}

const ready = {
  score: 96,
  ready: true,
  evaluatedAt: '2026-09-20T12:00:00.000Z',
};
const notReady = { ...ready, score: 70, ready: false };

/** 1,200 regions: a few in each kind of trouble. */
function topology(): TopologyResponse {
  const regions = Array.from({ length: 1200 }, (_, i) =>
    region(`edge-${i}`, {
      readiness: ready,
      health: { status: 'up', reason: '' },
    }),
  );
  regions[0] = region('breach-a', {
    replication: { status: 'breach' },
    readiness: notReady,
  });
  regions[1] = region('breach-b', { replication: { status: 'breach' } });
  regions[2] = region('warning', { replication: { status: 'warning' } });
  regions[3] = region('down', {
    readiness: ready,
    health: { status: 'down', reason: 'all probes fail' },
  });
  return { regions, edges: [], conflicts: [], syncedAt: null };
}

function costs(): CostSummaryResponse {
  const summary = (name: string, status: 'ok' | 'over' | 'at-risk') => ({
    region: `region:default/${name}`,
    monthToDate: 1,
    forecast: 1,
    status,
    collectedAt: null,
  });
  return {
    currency: 'USD',
    regions: [
      summary('edge-10', 'over'),
      summary('edge-11', 'at-risk'),
      summary('edge-12', 'ok'),
    ],
    total: { monthToDate: 3, forecast: 3 },
  };
}

function activeRun(
  id: string,
  source: string,
  target: string,
  facts: Partial<ActiveFailoverRun> = {},
): ActiveFailoverRun {
  return {
    id,
    region: `region:default/${source}`,
    target: `region:default/${target}`,
    mode: 'switchover',
    dryRun: false,
    status: 'running',
    createdBy: 'user:default/priya.nair',
    startedAt: '2026-09-20T11:58:00.000Z',
    ...facts,
  };
}

function tile(label: string) {
  return within(screen.getByRole('region', { name: label }));
}

/** The card over the 1,200 regions, the API answering with `overrides`. */
async function renderCard(
  overrides: Parameters<typeof fakeRegionsApi>[0] = {},
) {
  await renderInTestApp(<RegionsAtAGlance />, {
    mountedRoutes: { ...mountedRoutes, '/regions': rootRouteRef },
    apis: [
      [
        regionsApiRef,
        fakeRegionsApi({ getTopology: async () => topology(), ...overrides }),
      ],
    ],
  });
  expect(await screen.findByText('Of 1,200 regions:')).toBeInTheDocument();
}

describe('RegionsAtAGlance', () => {
  it('counts the regions that breach their RPO, are not ready, are down and are over budget', async () => {
    await renderCard({
      getCostSummary: async () => costs(),
    });
    expect(tile('breach their RPO').getByText('2')).toBeInTheDocument();
    expect(tile('not ready').getByText('1')).toBeInTheDocument();
    expect(
      tile('not ready').getByText(
        'readiness below the threshold; 2 not evaluated yet',
      ),
    ).toBeInTheDocument();
    expect(tile('down').getByText('1')).toBeInTheDocument();
    expect(tile('over budget').getByText('1')).toBeInTheDocument();
    expect(
      tile('over budget').getByText(
        'spend above the monthly budget; 1 more forecast to be',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'All regions' })).toHaveAttribute(
      'href',
      '/regions',
    );
  });

  it('still counts the rest without cost data', async () => {
    await renderCard({
      getCostSummary: async () => {
        throw new Error('OpenCost is not configured');
      },
    });
    expect(tile('breach their RPO').getByText('2')).toBeInTheDocument();
    expect(tile('over budget').getByText('—')).toBeInTheDocument();
    expect(
      tile('over budget').getByText('no cost data (OpenCost not configured)'),
    ).toBeInTheDocument();
  });

  it("counts the regions with a run in progress and links to each run on its region's Failovers tab", async () => {
    await renderCard({
      getCostSummary: async () => costs(),
      listActiveFailovers: async () => ({
        runs: [
          activeRun('run-1', 'edge-20', 'edge-21'),
          activeRun('run-2', 'edge-30', 'edge-31', {
            mode: 'drill',
            status: 'awaiting-approval',
          }),
        ],
      }),
    });
    const runs = tile('with a run in progress');
    expect(runs.getByText('4')).toBeInTheDocument();
    expect(
      runs.getByText(
        '2 runs in progress (pending, awaiting approval or running)',
      ),
    ).toBeInTheDocument();
    expect(
      runs.getByRole('link', {
        name: 'edge-20 → edge-21: switchover, running',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/region/edge-20/failovers?run=run-1',
    );
    expect(
      runs.getByRole('link', {
        name: 'edge-30 → edge-31: drill, awaiting approval',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/region/edge-30/failovers?run=run-2',
    );
  });

  it('says so when the runs in progress cannot be read, and counts the rest', async () => {
    await renderCard({
      listActiveFailovers: async () => {
        throw new Error('503 Service Unavailable');
      },
    });
    expect(tile('breach their RPO').getByText('2')).toBeInTheDocument();
    expect(tile('with a run in progress').getByText('—')).toBeInTheDocument();
    expect(
      tile('with a run in progress').getByText(
        'runs in progress could not be read',
      ),
    ).toBeInTheDocument();
  });
});
