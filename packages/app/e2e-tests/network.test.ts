import { expect, test } from '@playwright/test';
import { backendUrl, guestHeaders, signInAsGuest } from './stack';

// a page of the dev build loads slowly on a loaded machine
test.describe.configure({ timeout: 300_000 });

/*
 * The Network view of the Regions page against what the regions backend
 * holds. The block this test allocates stays: the backend has no way to give
 * one back (an allocation is a region's for good), so the test names its own
 * region and compares with what the backend answers, not with fixed counts.
 */

type Pool = {
  name: string;
  cidr: string;
  prefixLength: number;
  used: number;
  capacity: number;
  nextFree: string | null;
};
type Allocation = {
  cidr: string;
  region: string;
  pool: string;
  allocatedAt: string;
};

test('the Network view shows every CIDR pool and allocation the backend holds, a new block included', async ({
  page,
  request,
}) => {
  const headers = await guestHeaders(request);
  const name = `e2e-net-${Date.now().toString(36)}`;
  const before: { pools: Pool[] } = await (
    await request.get(`${backendUrl}/api/regions/pools`, { headers })
  ).json();
  const aws = before.pools.find(pool => pool.name === 'aws')!;

  const allocated = await request.post(
    `${backendUrl}/api/regions/allocations`,
    {
      headers,
      data: { pool: 'aws', region: `region:default/${name}` },
    },
  );
  expect(allocated.status(), await allocated.text()).toBe(201);
  const block: Allocation = await allocated.json();
  // the pool's next free block is the one it gives
  expect(block.cidr).toBe(aws.nextFree);

  const { pools }: { pools: Pool[] } = await (
    await request.get(`${backendUrl}/api/regions/pools`, { headers })
  ).json();
  const { allocations }: { allocations: Allocation[] } = await (
    await request.get(`${backendUrl}/api/regions/allocations`, { headers })
  ).json();
  expect(pools.find(pool => pool.name === 'aws')!.used).toBe(aws.used + 1);

  await signInAsGuest(page, '/regions');
  await page.getByRole('tab', { name: 'Network' }).click();
  // the Regions page has no main landmark: its article holds the view
  const main = page.getByRole('article');

  // every pool, cell by cell, as the backend answers it
  const poolTable = main.getByRole('table').filter({
    has: page.getByRole('columnheader', { name: 'Next free block' }),
  });
  await expect(
    main.getByRole('heading', { name: `CIDR pools (${pools.length})` }),
  ).toBeVisible();
  await expect(poolTable.getByRole('row')).toHaveCount(pools.length + 1);
  for (const pool of pools) {
    const row = poolTable.getByRole('row').filter({
      has: page.getByRole('cell', { name: pool.name, exact: true }),
    });
    await expect(row.getByRole('cell')).toHaveText([
      pool.name,
      pool.cidr,
      `/${pool.prefixLength} blocks`,
      `${pool.used} of ${pool.capacity}`,
      String(pool.capacity - pool.used),
      pool.nextFree ?? 'exhausted',
    ]);
  }

  // every allocation, the newest first: the block just given
  await expect(
    main.getByRole('heading', {
      name: `Allocations (${allocations.length})`,
    }),
  ).toBeVisible();
  const allocationTable = main
    .getByRole('table')
    .filter({ has: page.getByRole('columnheader', { name: 'Allocated' }) });
  const newest = allocationTable.getByRole('row').nth(1);
  await expect(newest.getByRole('cell')).toHaveText([
    block.cidr,
    name,
    `${block.allocatedAt.slice(0, 16).replace('T', ' ')} UTC`,
    'aws',
  ]);
  await expect(newest.getByRole('link', { name, exact: true })).toBeVisible();
  for (const allocation of allocations.slice(0, 20)) {
    await expect(
      allocationTable.getByRole('cell', { name: allocation.cidr, exact: true }),
    ).toBeVisible();
  }
});
