import { expect, Locator, Page, test } from '@playwright/test';
import {
  backendUrl,
  E2E_DAILY_COSTS,
  guestHeaders,
  signInAsGuest,
} from './stack';

// a page of the dev build loads slowly on a loaded machine
test.describe.configure({ timeout: 300_000 });

/*
 * The Cost tab and the Regions table's month-to-date column against the
 * OpenCost-shaped server of the run, which answers the same costs every day
 * (stack.ts E2E_DAILY_COSTS): each figure is worked out here from those.
 */

const usd = (amount: number) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(
    amount,
  );

function dailyTotal(fields: Record<string, number>) {
  return ['cpuCost', 'ramCost', 'pvCost', 'networkCost'].reduce(
    (sum, key) => sum + (fields[key] ?? 0),
    0,
  );
}
const EAST = E2E_DAILY_COSTS['us-east'];
const EAST_DAY = dailyTotal(EAST); // $62.50
const WEST_DAY = dailyTotal(E2E_DAILY_COSTS['us-west']); // $35.00

/** Days of this UTC month so far, today included: what month-to-date sums. */
const daysThisMonth = () => new Date().getUTCDate();

/** The value a DetailField shows next to its label. */
function field(scope: Locator, label: string): Locator {
  return scope
    .locator('dt')
    .filter({ hasText: new RegExp(`^${label}$`) })
    .locator('xpath=following-sibling::dd[1]');
}

const BUDGET_LABELS: Record<string, string> = {
  ok: 'within budget',
  'at-risk': 'at risk',
  over: 'over budget',
};

/** The backend's answer once the collector has read the region's costs. */
async function readCost(page: Page, name: string, window = '30d') {
  const headers = await guestHeaders(page.request);
  let cost: any;
  await expect
    .poll(
      async () => {
        cost = await (
          await page.request.get(
            `${backendUrl}/api/regions/regions/default/${name}/cost?window=${window}`,
            { headers },
          )
        ).json();
        return cost.month?.monthToDate;
      },
      // the collector runs every minute after the catalog's first pass
      { timeout: 150_000, intervals: [2_000] },
    )
    .toBeCloseTo(
      (name === 'us-east' ? EAST_DAY : WEST_DAY) * daysThisMonth(),
      5,
    );
  return cost;
}

test('the Cost tab shows the month against the budget, the breakdown, efficiency and the period before, from OpenCost', async ({
  page,
}) => {
  await signInAsGuest(page);
  await readCost(page, 'us-east');

  // the collector re-reads every minute and each read moves the forecast: the
  // page is checked against the answer it was given
  const answered = page.waitForResponse(
    response =>
      response.url().includes('/api/regions/regions/default/us-east/cost?') &&
      response.request().method() === 'GET',
    { timeout: 150_000 },
  );
  await page.goto('/catalog/default/region/us-east/cost');
  const cost = await (await answered).json();
  const main = page.getByRole('main');
  const month = main
    .locator('.MuiCard-root')
    .filter({ has: page.getByText('This month', { exact: true }) });
  await expect(field(month, 'Month to date')).toHaveText(
    usd(EAST_DAY * daysThisMonth()),
  );
  await expect(field(month, 'Monthly budget')).toHaveText('$3,500.00');
  await expect(field(month, 'Clusters')).toHaveText('us-east');
  // the forecast extends the month so far to the whole month, up to the last read
  const readAt = new Date(cost.month.collectedAt);
  const monthStart = Date.UTC(readAt.getUTCFullYear(), readAt.getUTCMonth(), 1);
  const monthEnd = Date.UTC(
    readAt.getUTCFullYear(),
    readAt.getUTCMonth() + 1,
    1,
  );
  expect(cost.month.forecast).toBeCloseTo(
    (cost.month.monthToDate * (monthEnd - monthStart)) /
      (readAt.getTime() - monthStart),
    6,
  );
  await expect(field(month, 'Month-end forecast')).toHaveText(
    usd(cost.month.forecast),
  );
  await expect(
    month.getByText(BUDGET_LABELS[cost.month.status], { exact: true }),
  ).toBeVisible();
  // the server answers every cluster the region names: no warning
  await expect(
    main.getByText('Could not read costs from OpenCost'),
  ).toHaveCount(0);

  // 30 days of the same day, bucket by bucket, adding up to the total
  const breakdown = main
    .getByRole('table')
    .filter({ has: page.getByRole('columnheader', { name: 'Bucket' }) });
  await expect(
    main.getByRole('heading', { name: 'Breakdown over 30 days' }),
  ).toBeVisible();
  const expectRow = async (bucket: string, cells: string[]) =>
    expect(
      breakdown
        .getByRole('row')
        .filter({ has: page.getByRole('cell', { name: bucket, exact: true }) })
        .getByRole('cell'),
    ).toHaveText([bucket, ...cells]);
  await expectRow('CPU', ['$1,200.00', '64%']);
  await expectRow('RAM', ['$450.00', '24%']);
  await expectRow('Storage', ['$150.00', '8%']);
  await expectRow('Network', ['$75.00', '4%']);
  await expectRow('GPU', ['$0.00', '0%']);
  await expectRow('Idle', ['$0.00', '0%']);
  await expectRow('Total', ['$1,875.00', '']);

  const efficiency = main
    .locator('.MuiCard-root')
    .filter({ has: page.getByText('Efficiency and idle', { exact: true }) });
  // usage over requests: 2 of 4 cores, 6 of 8 GiB; weighted by their cost
  await expect(field(efficiency, 'CPU efficiency')).toHaveText('50%');
  await expect(field(efficiency, 'RAM efficiency')).toHaveText('75%');
  await expect(field(efficiency, 'Total efficiency')).toHaveText('57%');
  await expect(field(efficiency, 'Idle cost')).toHaveText('$0.00');
  await expect(field(efficiency, 'Total over 30 days')).toHaveText('$1,875.00');
  await expect(field(efficiency, 'Against the period before')).toHaveText(
    '0% ($1,875.00 the 30 days before)',
  );

  // another window: a week of the same day
  await main
    .getByRole('group', { name: 'Cost window' })
    .getByRole('button', { name: '7 days', exact: true })
    .click();
  await expect(page).toHaveURL(/[?&]window=7d(&|$)/);
  await expect(
    main.getByRole('heading', { name: 'Breakdown over 7 days' }),
  ).toBeVisible();
  await expectRow('Total', [usd(EAST_DAY * 7), '']);
  await expect(field(efficiency, 'Total over 7 days')).toHaveText(
    usd(EAST_DAY * 7),
  );
});

test('the Regions table shows each region month to date and their sum', async ({
  page,
}) => {
  await signInAsGuest(page);
  const east = await readCost(page, 'us-east');
  await readCost(page, 'us-west');
  const headers = await guestHeaders(page.request);
  const { regions } = await (
    await page.request.get(`${backendUrl}/api/regions/costs`, { headers })
  ).json();

  await page.goto('/regions');
  const table = page.getByRole('table');
  // the column shows once the backend has costs to give
  await expect(
    table.getByRole('columnheader', { name: 'Month to date', exact: true }),
  ).toBeVisible();
  const column = await table
    .getByRole('columnheader')
    .allTextContents()
    .then(titles => titles.findIndex(t => t.trim() === 'Month to date'));
  expect(column).toBeGreaterThan(0);
  const cellOf = (name: string) =>
    table
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name, exact: true }) })
      .first()
      .getByRole('cell')
      .nth(column);

  const days = daysThisMonth();
  await expect(cellOf('us-east')).toHaveText(
    `${usd(EAST_DAY * days)} ${BUDGET_LABELS[east.month.status]}`,
  );
  const west = regions.find(
    (r: { region: string }) => r.region === 'region:default/us-west',
  );
  await expect(cellOf('us-west')).toHaveText(
    `${usd(WEST_DAY * days)} ${BUDGET_LABELS[west.status]}`,
  );
  // regions the cost server knows nothing of have no month to date
  await expect(cellOf('studio-ne')).toHaveText('—');

  const sum = regions.reduce(
    (total: number, r: { monthToDate: number }) => total + r.monthToDate,
    0,
  );
  expect(sum).toBeCloseTo((EAST_DAY + WEST_DAY) * days, 5);
  await expect(
    page.getByText(
      `Month to date across the regions listed: ${usd(
        (EAST_DAY + WEST_DAY) * days,
      )}`,
      { exact: true },
    ),
  ).toBeVisible();
});
