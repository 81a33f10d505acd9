import { expect, test } from '@playwright/test';
import { ensurePrimary } from './pair';
import { backendUrl, guestHeaders, signInAsGuest } from './stack';

test('the sidebar leads to the Regions page, which lists every example region', async ({
  page,
  request,
}) => {
  await signInAsGuest(page);
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Regions', exact: true })
    .click();
  await expect(page).toHaveURL(/\/regions$/);

  // the backend reads regions from the catalog on a schedule: allow for the first pass
  const table = page.getByRole('table');
  // a hub's name also stands in its spokes' rows; its own row comes first (tier order)
  for (const name of [
    'studio-primary',
    'studio-sul',
    'us-east-1',
    'us-west',
    'studio-n',
  ]) {
    await expect(
      table.getByRole('link', { name, exact: true }).first(),
    ).toBeVisible();
  }
  // one row per Region the catalog holds (a region provisioned by another
  // test included), and the header
  const { totalItems } = await (
    await request.get(
      `${backendUrl}/api/catalog/entities/by-query?filter=kind=region&limit=1`,
      { headers: await guestHeaders(request) },
    )
  ).json();
  expect(totalItems).toBeGreaterThanOrEqual(15); // 14 examples, 1 e2e fixture
  await expect(table.getByRole('row')).toHaveCount(totalItems + 1);
  // the block is a column picked on demand; a link carries the choice
  await page.goto('/regions?columns=health,role,readiness.score,cidr');
  await expect(table.getByText('10.16.0.0/16')).toBeVisible();
  // MERIDIAN_SCREENSHOT=path refreshes the README's picture of this page
  if (process.env.MERIDIAN_SCREENSHOT) {
    await page.setViewportSize({ width: 1680, height: 1000 });
    await expect(table.getByText('10.16.0.0/16')).toBeVisible();
    await page.screenshot({
      path: process.env.MERIDIAN_SCREENSHOT,
      fullPage: true,
    });
  }
});

test('a Region page shows its hub and the components it hosts, and they show it back', async ({
  page,
}) => {
  await signInAsGuest(page, '/regions');
  await page
    .getByRole('table')
    .getByRole('link', { name: 'studio-sul', exact: true })
    .first()
    .click();
  await expect(page).toHaveURL(/\/catalog\/default\/region\/studio-sul/);

  const main = page.getByRole('main');
  await expect(main.getByText('10.16.0.0/16').first()).toBeVisible();
  await expect(main.getByText('No conflicts')).toBeVisible();
  const relations = main
    .locator('.MuiCard-root')
    .filter({ hasText: 'Hub, replicas and workloads' });
  await expect(
    relations.getByRole('link', { name: 'Studio-Primary (São Paulo)' }).first(),
  ).toBeVisible();
  await relations.getByRole('link', { name: 'Render farm' }).click();

  // the component's own page lists the regions it is deployed in
  await expect(page).toHaveURL(/\/catalog\/default\/component\/render-farm/);
  const regionsCard = page
    .getByRole('main')
    .locator('.MuiCard-root')
    .filter({ hasText: 'Regions' })
    .filter({ hasText: 'Studio-Sul (Porto Alegre)' });
  await expect(
    regionsCard.getByRole('link', { name: 'Studio-Sul (Porto Alegre)' }),
  ).toBeVisible();
});

test('the topology view draws every region as a link to its page', async ({
  page,
}) => {
  await signInAsGuest(page, '/regions');
  await page.getByRole('tab', { name: 'Topology' }).click();
  const graph = page.getByRole('group', { name: 'Region topology' });
  for (const name of ['studio-primary', 'studio-n', 'eu-west-1', 'us-east']) {
    await expect(
      graph.getByRole('link', { name: new RegExp(`^${name},`) }),
    ).toBeVisible();
  }
  await graph.getByRole('link', { name: /^us-west,/ }).click();
  await expect(page).toHaveURL(/\/catalog\/default\/region\/us-west/);
});

test('a conflict found by the backend shows on both regions and in the table', async ({
  page,
}) => {
  await signInAsGuest(page, '/regions');
  const table = page.getByRole('table');
  await table
    .getByRole('link', { name: 'studio-overlap', exact: true })
    .click();
  await expect(page).toHaveURL(/\/catalog\/default\/region\/studio-overlap/);

  const conflicts = page
    .getByRole('main')
    .locator('.MuiCard-root')
    .filter({ hasText: 'Conflicts' });
  const overlap = conflicts.getByText(/overlaps/);
  await expect(overlap).toContainText('10.17.128.0/17');
  await expect(overlap).toContainText('10.17.0.0/16');

  await page.goto('/catalog/default/region/studio-ne');
  await expect(
    page
      .getByRole('main')
      .getByText(/overlaps/)
      .first(),
  ).toBeVisible();

  await page.goto('/regions');
  const row = page.getByRole('row').filter({
    has: page.getByRole('link', { name: 'studio-ne', exact: true }),
  });
  await expect(row.getByText('1 conflict')).toBeVisible();
});

test('the Replication tab shows the real standby streaming from both sides, and the Regions page its status', async ({
  page,
  request,
}) => {
  await ensurePrimary(request, 'us-east');
  await signInAsGuest(page, '/catalog/default/region/us-east/replication');
  const main = page.getByRole('main');
  await expect(
    main.getByRole('heading', { name: 'Replicas (1)' }),
  ).toBeVisible();
  const standbyRow = main.getByRole('row').filter({ hasText: 'us_west' });
  await expect(standbyRow).toContainText('streaming');
  await expect(standbyRow).toContainText('async');
  await expect(main.getByText('Lag over time')).toBeVisible();

  await page.goto('/catalog/default/region/us-west/replication');
  const standbyView = page
    .getByRole('main')
    .locator('.MuiCard-root')
    .filter({ hasText: 'Seen from the standby' });
  await expect(standbyView).toContainText('streaming');
  await expect(standbyView).toContainText(/127\.0\.0\.1:\d+/);

  await page.goto('/regions');
  const row = page.getByRole('row').filter({
    has: page.getByRole('link', { name: 'us-east', exact: true }),
  });
  await expect(row.getByText('ok', { exact: true })).toBeVisible();
});

test("a Region's runbooks render in the portal's Docs, built by the local mkdocs", async ({
  page,
}) => {
  await signInAsGuest(page, '/catalog/default/region/us-west');
  const runbooks = page
    .getByRole('main')
    .locator('.MuiCard-root')
    .filter({ hasText: 'Runbooks' });
  await runbooks.getByRole('link', { name: 'Switchover' }).click();
  await expect(page).toHaveURL(
    /\/docs\/default\/system\/meridian\/runbooks\/switchover\/$/,
  );
  // TechDocs builds the site on the first visit: allow for mkdocs
  await expect(
    page.getByRole('heading', { name: 'Planned switchover' }),
  ).toBeVisible({ timeout: 90_000 });
});
