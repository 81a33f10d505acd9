import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { DEMO_PORTS, demoBackendUrl } from './demoStack';

// Run by playwright.demo.config.ts, which starts scripts/start.sh: the first
// command of the README, as a newcomer runs it.

test("the first command shows us-east's standby streaming with its lag, and a month-to-date cost marked demo data", async ({
  page,
  request,
}) => {
  // PowerDNS answers the active region's address
  const answer = execFileSync(
    'dig',
    [
      '+short',
      '@127.0.0.1',
      '-p',
      String(DEMO_PORTS.dns),
      'api.meridian.test',
      'A',
    ],
    { encoding: 'utf8' },
  ).trim();
  expect(answer).toBe('10.48.0.10');

  // the guest sign-in of app-config.yaml
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Regions', exact: true })
    .waitFor();

  // the catalog ingests the examples on its own schedule: until then the
  // page says the entity is not found, and does not look again by itself
  const main = page.getByRole('main');
  await expect(async () => {
    await page.goto('/catalog/default/region/us-east/replication');
    await expect(
      main.getByRole('heading', { name: 'Replicas (1)' }),
    ).toBeVisible({ timeout: 15_000 });
  }).toPass({ timeout: 240_000 });
  const standby = main.getByRole('row').filter({ hasText: 'us_west' });
  await expect(standby).toContainText('streaming');
  // its lag, in time and bytes
  await expect(standby).toContainText(
    /\d+(\.\d+)? (ms|s|min)|\d+(\.\d+)? (B|KiB|MiB)/,
  );

  // the demo OpenCost is read on the cost collector's first run
  const token = (
    await (
      await request.get(`${demoBackendUrl}/api/auth/guest/refresh`, {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      })
    ).json()
  ).backstageIdentity.token;
  await expect
    .poll(
      async () => {
        const res = await request.get(
          `${demoBackendUrl}/api/regions/regions/default/us-east/cost`,
          { headers: { Authorization: `Bearer ${token}` } },
        );
        const body = await res.json();
        return { demo: body.demo, read: Boolean(body.month?.collectedAt) };
      },
      { timeout: 180_000, intervals: [2_000] },
    )
    .toEqual({ demo: true, read: true });

  await page.goto('/catalog/default/region/us-east/cost');
  await expect(main.getByText('demo data').first()).toBeVisible();
  const monthToDate = main
    .getByText('Month to date', { exact: true })
    .locator('xpath=following-sibling::dd[1]');
  await expect(monthToDate).toHaveText(/^\$[\d,]+\.\d\d$/);

  await page.goto('/regions');
  const row = page.getByRole('row').filter({
    has: page.getByRole('link', { name: 'us-east', exact: true }),
  });
  await expect(row.first()).toContainText(/\$[\d,]+\.\d\d/);
  await expect(row.first().getByText('demo data')).toBeVisible();
});
