import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { CostResponse } from '@meridian/plugin-regions-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RegionsApi, regionsApiRef } from '../../api';
import { costCollectedAt, hubCost } from '../../testing/costFixtures';
import {
  fakeRegionsApi,
  mountedRoutes,
  studioPrimary,
} from '../../testing/fixtures';
import { CostTab } from './CostTab';

// a chart of 90 stacked days takes a while to render on a busy machine
jest.setTimeout(30_000);

// "2 h ago" for every read, whenever the test runs
beforeEach(() => {
  jest
    .spyOn(Date, 'now')
    .mockReturnValue(Date.parse(costCollectedAt) + 2 * 3600_000);
});

afterEach(() => {
  jest.restoreAllMocks();
});

function renderTab(
  getCost: RegionsApi['getCost'] = async (_ref, window) => hubCost(window),
  initialRouteEntries?: string[],
) {
  return renderInTestApp(
    <EntityProvider entity={studioPrimary}>
      <CostTab />
    </EntityProvider>,
    {
      mountedRoutes,
      apis: [[regionsApiRef, fakeRegionsApi({ getCost })]],
      initialRouteEntries,
    },
  );
}

function rowOf(label: string) {
  return within(
    screen
      .getAllByRole('row')
      .find(
        row => within(row).queryAllByRole('cell')[0]?.textContent === label,
      )!,
  );
}

/** The value of a labelled fact (a `dt` and its `dd`). */
function field(label: string) {
  const term = screen
    .getAllByText(label)
    .find(element => element.tagName === 'DT');
  return term?.nextElementSibling?.textContent;
}

describe('CostTab', () => {
  it('labels the month, its budget and the whole tab "demo data" when the costs are generated', async () => {
    await renderTab(async (_ref, window) => ({
      ...hubCost(window),
      demo: true,
    }));

    expect(await screen.findByText('within budget')).toBeInTheDocument();
    // one label on the tab, one next to the month against its budget
    expect(screen.getAllByText('demo data')).toHaveLength(2);
    expect(
      screen.getByText(/Generated costs from the demo OpenCost/),
    ).toBeInTheDocument();
    expect(field('Month to date')).toBe('$3,000.00');
  });

  it('carries no demo label for the costs of a real OpenCost', async () => {
    await renderTab();

    expect(await screen.findByText('within budget')).toBeInTheDocument();
    expect(screen.queryByText('demo data')).not.toBeInTheDocument();
  });

  it('shows the month against the budget, efficiency, the comparison and a breakdown that adds up', async () => {
    await renderTab();

    expect(await screen.findByText('within budget')).toBeInTheDocument();
    expect(field('Month to date')).toBe('$3,000.00');
    expect(field('Month-end forecast')).toBe('$4,615.38');
    expect(field('Monthly budget')).toBe('$6,000.00');
    expect(field('Clusters')).toBe('sp-prod-1, sp-prod-2');
    expect(field('Read')).toBe('2 h ago');
    expect(field('CPU efficiency')).toBe('50%');
    expect(field('RAM efficiency')).toBe('80%');
    expect(field('Total efficiency')).toBe('60%');
    expect(field('Idle cost')).toBe('$600.00');
    expect(field('Total over 30 days')).toBe('$4,500.00');
    expect(field('Against the period before')).toBe(
      '+25% ($3,600.00 the 30 days before)',
    );

    expect(screen.getByText('Breakdown over 30 days')).toBeInTheDocument();
    expect(rowOf('CPU').getByText('$2,400.00')).toBeInTheDocument();
    expect(rowOf('CPU').getByText('53%')).toBeInTheDocument();
    expect(rowOf('RAM').getByText('$1,200.00')).toBeInTheDocument();
    expect(rowOf('Idle').getByText('$600.00')).toBeInTheDocument();
    expect(rowOf('GPU').getByText('$0.00')).toBeInTheDocument();
    expect(rowOf('Total').getByText('$4,500.00')).toBeInTheDocument();
    // no warning when all is well
    expect(screen.queryByText(/OpenCost/)).not.toBeInTheDocument();
  });

  it("lists a hub's spokes with their status and the hub-and-spokes total", async () => {
    await renderTab();

    expect(await screen.findByText('Spokes (2)')).toBeInTheDocument();
    expect(
      screen.getByText('This hub and its spokes this month: $6,700.00'),
    ).toBeInTheDocument();
    const sul = rowOf('studio-sul');
    expect(sul.getByText('$2,500.00')).toBeInTheDocument();
    expect(sul.getByText('$3,500.00')).toBeInTheDocument();
    expect(sul.getByText('at risk')).toBeInTheDocument();
    expect(
      rowOf('studio-pelotas').getByText('over budget'),
    ).toBeInTheDocument();
    expect(sul.getByRole('link', { name: 'studio-sul' })).toHaveAttribute(
      'href',
      '/catalog/default/region/studio-sul',
    );
  });

  it('draws the daily cost stacked by the buckets that cost something', async () => {
    await renderTab();

    const chart = within(
      await screen.findByRole('figure', { name: 'Daily cost' }),
    );
    // recharts draws once it has measured its container, a render later
    await chart.findByText('CPU');
    for (const bucket of ['CPU', 'RAM', 'Storage', 'Idle']) {
      expect(chart.getByText(bucket)).toBeInTheDocument();
    }
    expect(chart.queryByText('GPU')).not.toBeInTheDocument();
  });

  it('reads the window the user picks, and starts from the one in the URL', async () => {
    const getCost = jest.fn(
      async (_: unknown, window: Parameters<RegionsApi['getCost']>[1]) =>
        hubCost(window),
    );
    await renderTab(getCost, ['/?window=90d']);

    expect(
      await screen.findByText('Breakdown over 90 days'),
    ).toBeInTheDocument();
    expect(getCost).toHaveBeenLastCalledWith(
      { namespace: 'default', name: 'studio-primary' },
      '90d',
    );

    await userEvent.click(screen.getByRole('button', { name: '7 days' }));

    expect(
      await screen.findByText('Breakdown over 7 days'),
    ).toBeInTheDocument();
    expect(getCost).toHaveBeenLastCalledWith(
      { namespace: 'default', name: 'studio-primary' },
      '7d',
    );
    expect(field('Total over 7 days')).toBe('$1,050.00');
  });

  it('says OpenCost failed and shows the last costs with their age', async () => {
    const failed: CostResponse = {
      ...hubCost(),
      problem:
        "the last read of costs failed: OpenCost 'primary' at http://opencost:9003: HTTP 500: Error: prometheus down",
      failedAt: '2026-11-20T13:00:00.000Z',
    };
    await renderTab(async () => failed);

    expect(
      await screen.findByText(/Could not read costs from OpenCost/),
    ).toBeInTheDocument();
    expect(screen.getByText(failed.problem!)).toBeInTheDocument();
    expect(
      screen.getByText(/^Showing the costs read 2 h ago/),
    ).toBeInTheDocument();
    // the last data is still shown
    expect(field('Month to date')).toBe('$3,000.00');
  });

  it('says OpenCost is not configured while still showing costs read before', async () => {
    await renderTab(async () => ({
      ...hubCost(),
      observed: false,
      source: 'opencost',
      problem:
        'OpenCost is not configured: set regions.opencost.baseUrl or regions.opencost.instances in the app config',
    }));

    expect(
      await screen.findByText(/OpenCost is not configured$/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/^Showing the costs read 2 h ago/),
    ).toBeInTheDocument();
    expect(field('Month to date')).toBe('$3,000.00');
  });

  it('explains how to configure OpenCost when there is nothing to show', async () => {
    await renderTab(async () => ({
      ...hubCost(),
      observed: false,
      source: undefined,
      daily: [],
      month: { ...hubCost().month, monthToDate: 0, collectedAt: null },
      problem:
        'OpenCost is not configured: set regions.opencost.baseUrl or regions.opencost.instances in the app config',
    }));

    expect(
      await screen.findByText('OpenCost is not configured'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('meridian.dev/opencost-clusters'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Month to date')).not.toBeInTheDocument();
  });

  it('says when no costs have been read yet', async () => {
    await renderTab(async () => ({
      ...hubCost(),
      daily: [],
      month: { ...hubCost().month, collectedAt: null },
      problem: 'no costs read yet; the collector reads them on its next run',
    }));

    expect(await screen.findByText('No costs read yet')).toBeInTheDocument();
    expect(
      screen.getByText(/the collector reads them on its next run/),
    ).toBeInTheDocument();
  });

  it('shows an over-budget month', async () => {
    await renderTab(async () => ({
      ...hubCost(),
      month: { ...hubCost().month, monthToDate: 6100, status: 'over' },
      spokes: [],
    }));

    expect(await screen.findByText('over budget')).toBeInTheDocument();
    expect(screen.queryByText(/Spokes/)).not.toBeInTheDocument();
  });

  it('shows the error when the backend fails', async () => {
    await renderTab(async () => {
      throw new Error('regions backend is down');
    });

    expect(
      await screen.findByText(/Could not load costs from the regions backend/),
    ).toBeInTheDocument();
    expect(screen.getByText('regions backend is down')).toBeInTheDocument();
  });
});
