import { expect, Page, test } from '@playwright/test';

async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await enter.waitFor();
  await enter.click();
  await page.getByRole('navigation', { name: 'sidebar nav' }).waitFor();
}

test('the sidebar leads to the Regions page, which lists every example region', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Regions', exact: true })
    .click();
  await expect(page).toHaveURL(/\/regions$/);

  // the backend reads regions from the catalog on a schedule: allow for the first pass
  const table = page.getByRole('table');
  for (const name of ['studio-primary', 'studio-sul', 'us-east-1', 'us-west']) {
    await expect(table.getByRole('link', { name, exact: true })).toBeVisible();
  }
  await expect(table.getByText('10.16.0.0/16')).toBeVisible();
  // MERIDIAN_SCREENSHOT=path refreshes the README's picture of this page
  if (process.env.MERIDIAN_SCREENSHOT) {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: process.env.MERIDIAN_SCREENSHOT });
  }
});

test('a Region page shows its hub and the components it hosts', async ({ page }) => {
  await signInAsGuest(page);
  await page.goto('/regions');
  await page.getByRole('table').getByRole('link', { name: 'studio-sul', exact: true }).click();
  await expect(page).toHaveURL(/\/catalog\/default\/region\/studio-sul/);

  const main = page.getByRole('main');
  await expect(main.getByText('10.16.0.0/16').first()).toBeVisible();
  const relations = main.getByTestId('region-relations');
  await expect(relations.getByRole('link', { name: /studio-primary/i }).first()).toBeVisible();
  await expect(relations.getByRole('link', { name: /render-farm/i }).first()).toBeVisible();
});

test('the topology view draws every region as a link to its page', async ({ page }) => {
  await signInAsGuest(page);
  await page.goto('/regions');
  await page.getByRole('tab', { name: /topology/i }).click();
  const graph = page.getByTestId('region-topology');
  await expect(graph.getByRole('link', { name: /studio-n\b/i })).toBeVisible();
  await graph.getByRole('link', { name: /us-west/i }).click();
  await expect(page).toHaveURL(/\/catalog\/default\/region\/us-west/);
});
