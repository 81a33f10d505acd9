import { expect, test } from '@playwright/test';
import { backendUrl, guestHeaders, signInAsGuest } from './stack';

// a page of the dev build loads slowly on a loaded machine
test.describe.configure({ timeout: 300_000 });

/*
 * The legacy exports of @meridian/plugin-regions in an app on the legacy
 * frontend system (packages/app/src/legacy: createApp of
 * @backstage/app-defaults, an EntityPage.tsx-style EntitySwitch), served
 * under /legacy by the e2e run's development server.
 */

test('a legacy app shows a region through the legacy exports: Replication, Readiness and Failovers', async ({
  page,
  request,
}) => {
  await signInAsGuest(page);
  await page.goto('/legacy/catalog/default/region/us-east/replication');

  const main = page.getByRole('main');
  // the legacy EntityLayout draws the region's tabs from the EntityPage routes
  for (const tab of ['Overview', 'Replication', 'Readiness', 'Failovers']) {
    await expect(main.getByRole('tab', { name: tab })).toBeVisible();
  }
  // the real standby, read through the plugin's legacy API factory
  await expect(
    main.getByRole('heading', { name: 'Replicas (1)' }),
  ).toBeVisible();
  // us_west's state as the backend reads it now: streaming, or stopped after
  // another test's failover (tests run in any order against one pair)
  const headers = await guestHeaders(request);
  await expect(async () => {
    const replication = await (
      await request.get(
        `${backendUrl}/api/regions/regions/default/us-east/replication`,
        { headers },
      )
    ).json();
    const west = replication.replicas.find(
      (replica: { name: string }) => replica.name === 'us_west',
    );
    expect(west).toBeDefined();
    await expect(
      main.getByRole('row').filter({ hasText: 'us_west' }),
    ).toContainText(west.state, { timeout: 5_000 });
  }).toPass({ timeout: 45_000 });

  await main.getByRole('tab', { name: 'Readiness' }).click();
  await expect(page).toHaveURL(
    /\/legacy\/catalog\/default\/region\/us-east\/readiness$/,
  );
  await expect(
    main.getByText('Readiness', { exact: true }).first(),
  ).toBeVisible();
  await expect(main.getByText(/^Infrastructure · /)).toBeVisible();

  await main.getByRole('tab', { name: 'Failovers' }).click();
  await expect(page).toHaveURL(
    /\/legacy\/catalog\/default\/region\/us-east\/failovers$/,
  );
  await expect(main.getByRole('button', { name: 'Fail over…' })).toBeVisible();
});

test('a legacy app mounts the Regions page and links into its own entity pages', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/legacy/regions');

  const table = page.getByRole('table');
  await table
    .getByRole('link', { name: 'us-west', exact: true })
    .first()
    .click();
  // the legacy catalog plugin's entity route, bound where the harness mounts it
  await expect(page).toHaveURL(/\/legacy\/catalog\/default\/region\/us-west/);
  await expect(
    page.getByRole('main').getByRole('tab', { name: 'Replication' }),
  ).toBeVisible();
});
