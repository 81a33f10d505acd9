/*
 * Takes the README's screenshots in Debian's Chromium from a running portal:
 * the Regions page (docs/images/regions-page.png) and us-east's Replication
 * tab (docs/images/region-page.png). Against the demo stack (scripts/start.sh:
 * guest sign-in) or the e2e stack (playwright.config.ts: the forwarded user
 * of app-config.e2e.yaml), whichever answers at SCREENSHOT_URL.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs scripts/screenshots.ts
 *
 * Environment: SCREENSHOT_URL (http://localhost:3000), CHROMIUM_PATH
 * (/usr/bin/chromium).
 */
import { chromium, Page } from 'playwright-core';
import path from 'node:path';

const APP_URL = process.env.SCREENSHOT_URL ?? 'http://localhost:3000';
const IMAGES = path.resolve(__dirname, '../docs/images');
/** A page of the dev build loads slowly on a loaded machine. */
const TIMEOUT_MS = 180_000;

async function signIn(page: Page) {
  // the e2e stack signs in the user a proxy forwards; the demo, the guest
  await page.route('**/api/auth/oauth2Proxy/refresh*', route =>
    route.continue({
      headers: { ...route.request().headers(), 'x-forwarded-user': 'guest' },
    }),
  );
  await page.goto('/');
  const sidebar = page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Regions', exact: true });
  const guest = page.getByRole('button', { name: 'Enter' });
  await sidebar.or(guest).first().waitFor({ timeout: TIMEOUT_MS });
  if (await guest.isVisible()) {
    await guest.click();
  }
  await sidebar.waitFor({ timeout: TIMEOUT_MS });
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({
      baseURL: APP_URL,
      viewport: { width: 1440, height: 900 },
    });
    page.setDefaultTimeout(TIMEOUT_MS);
    await signIn(page);

    await page.goto('/regions');
    await page.getByRole('heading', { name: /^Regions \(\d+\)$/ }).waitFor();
    await page.getByRole('link', { name: 'us-east', exact: true }).waitFor();
    // the backend's status, next to the catalog's regions
    await page.getByText('Month to date across the regions listed').waitFor();
    await page.screenshot({ path: path.join(IMAGES, 'regions-page.png') });

    await page.goto('/catalog/default/region/us-east/replication');
    await page.getByText('Lag over time').waitFor();
    await page.screenshot({ path: path.join(IMAGES, 'region-page.png') });
    console.log(`saved regions-page.png and region-page.png in ${IMAGES}`);
  } finally {
    await browser.close();
  }
}

main().catch(error => {
  console.error(String(error.stack ?? error).split('Call log:')[0]);
  process.exit(1);
});
