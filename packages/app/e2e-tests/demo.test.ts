import { expect, Locator, Page, test } from '@playwright/test';
import {
  DEMO_ADDRESSES,
  demoBackendUrl,
  digApi,
  enterAsGuest,
  nodeState,
  reattach,
} from './demoStack';

// Run by playwright.demo.config.ts, which starts scripts/start.sh: the first
// command of the README, as a newcomer runs it. The tests share its stack, in
// order: the second switches over what the first checked.

/**
 * Opens a page of a region once the catalog has ingested the examples (on its
 * own schedule: until then the page says the entity is not found, and does
 * not look again by itself).
 */
async function openRegionPage(
  page: Page,
  path: string,
  shown: (main: Locator) => Locator,
) {
  await expect(async () => {
    await page.goto(path);
    await expect(shown(page.getByRole('main'))).toBeVisible({
      timeout: 15_000,
    });
  }).toPass({ timeout: 240_000 });
}

test("the first command shows us-east's standby streaming with its lag, and a month-to-date cost marked demo data", async ({
  page,
  request,
}) => {
  // PowerDNS answers the active region's address
  expect(await digApi()).toBe(DEMO_ADDRESSES['us-east']);

  await enterAsGuest(page);
  const main = page.getByRole('main');
  await openRegionPage(page, '/catalog/default/region/us-east/replication', m =>
    m.getByRole('heading', { name: 'Replicas (1)' }),
  );
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

/** The run the Failovers tab opened after `previous`, from its address (?run=). */
async function openedRun(page: Page, previous: Array<string | null>) {
  await page.waitForURL(url =>
    previous.every(id => url.searchParams.get('run') !== id),
  );
  const id = new URL(page.url()).searchParams.get('run')!;
  return {
    id,
    region: page.getByRole('main').getByRole('region', { name: `Run ${id}` }),
  };
}

/**
 * Presses the dialog's "Check again" until its pre-flight lets the run start:
 * a standby earns the readiness a switchover wants from a minute of lag
 * evidence (the demo's regions.readiness.lagEvidence), which the readiness
 * collector scores each minute. A newcomer waits; nothing is forced.
 */
async function checkAgainUntilReady(dialog: Locator) {
  const preview = dialog.getByRole('region', { name: 'Pre-flight preview' });
  await expect(async () => {
    await preview
      .getByRole('button', { name: 'Check again' })
      .click({ timeout: 10_000 });
    await expect(
      preview.getByRole('listitem', { name: 'Target is production-ready' }),
    ).toContainText('≥ threshold', { timeout: 10_000 });
  }).toPass({ timeout: 300_000, intervals: [10_000] });
  await expect(preview).toContainText(
    'Every check passes: the run would start.',
  );
}

test("from us-east's Failovers tab a newcomer runs a drill, switches over to us-west, re-attaches us-east with the demo's command and fails back", async ({
  page,
}) => {
  test.setTimeout(540_000); // lag evidence and its scoring, twice at most
  await enterAsGuest(page);
  const main = page.getByRole('main');
  const dialog = page.getByRole('dialog');
  const runs = main.getByRole('table', { name: 'Failover runs' });
  await openRegionPage(page, '/catalog/default/region/us-east/failovers', m =>
    m.getByRole('button', { name: 'Fail over…' }),
  );

  // a drill changes nothing: recorded whether it passes or is refused
  await main.getByRole('button', { name: 'Fail over…' }).click();
  await dialog.getByRole('radio', { name: /us-west/ }).check();
  await dialog.getByRole('radio', { name: /^Drill/ }).check();
  await expect(
    dialog
      .getByRole('region', { name: 'Pre-flight preview' })
      .getByRole('listitem', { name: 'Target replicates from the region' }),
  ).toContainText('us-west-db streams from us-east-db');
  await dialog
    .getByRole('button', { name: 'Run drill us-east → us-west' })
    .click();
  const drill = await openedRun(page, [null]);
  await expect(
    runs.getByRole('row').filter({ hasText: 'Drill' }).first(),
  ).toContainText(/succeeded|refused/);
  // the run it started opens by itself and says why it ended so
  await expect(
    drill.region.getByText(
      /Drill passed: every pre-flight check passed and nothing was changed\.|refused, nothing changed: [A-Z][^:]+: \S.*/,
    ),
  ).toBeVisible();
  expect(await digApi()).toBe(DEMO_ADDRESSES['us-east']);
  expect((await nodeState('us-west')).role).toBe('standby');

  // the switchover, once us-west is ready
  await main.getByRole('button', { name: 'Fail over…' }).click();
  await dialog.getByRole('radio', { name: /us-west/ }).check();
  await dialog.getByRole('radio', { name: /^Switchover/ }).check();
  await checkAgainUntilReady(dialog);
  await dialog.getByLabel('Type us-east to confirm').fill('us-east');
  await dialog
    .getByRole('button', { name: 'Switch over us-east → us-west' })
    .click();
  const { id: switchoverId, region: switchover } = await openedRun(page, [
    null,
    drill.id,
  ]);
  await expect(
    runs.getByRole('row').filter({ hasText: 'Switchover' }).first(),
  ).toContainText('succeeded', { timeout: 120_000 });
  await expect(switchover).toContainText(/data loss 0 B/);

  // DNS answers us-west; us-west takes writes, us-east (fenced) refuses them
  expect(await digApi()).toBe(DEMO_ADDRESSES['us-west']);
  expect(await nodeState('us-west')).toEqual({
    role: 'primary',
    insert: 'inserted',
  });
  expect((await nodeState('us-east')).insert).toMatch(
    /cannot execute INSERT in a read-only transaction/,
  );

  // failing back: the run says what comes first (once the topology it reads
  // on opening shows us-west primary: a newcomer reloads), start.sh's banner
  // the command
  await expect(async () => {
    await page.reload();
    await expect(
      switchover.getByText(
        'To fail back, first re-attach us-east as a standby of us-west',
      ),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  expect(await reattach('us-east')).toContain(
    'us-east is a standby streaming from us-west',
  );
  expect((await nodeState('us-east')).role).toBe('standby');
  const failBack = switchover.getByRole('button', { name: 'Fail back' });
  // offered once the replication collector sees us-east stream (seconds)
  await expect(async () => {
    if (!(await failBack.isVisible())) {
      await switchover
        .getByRole('button', { name: 'Check again' })
        .click({ timeout: 2_000 });
    }
    await expect(failBack).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await failBack.click();

  await expect(dialog.getByText('Fail back to us-east')).toBeVisible();
  await expect(
    dialog.getByRole('radio', { name: /^Switchover/ }),
  ).toBeChecked();
  // the demo's PowerDNS serves weighted LUA records: traffic moves in steps
  await dialog
    .getByRole('checkbox', { name: 'Shift traffic in steps (canary)' })
    .check();
  await dialog
    .getByLabel('Traffic on us-east after each step (%)')
    .fill('50, 100');
  await dialog.getByLabel('Hold each step (seconds)').fill('1');
  await checkAgainUntilReady(dialog);
  await dialog.getByLabel('Type us-west to confirm').fill('us-west');
  await dialog
    .getByRole('button', { name: 'Switch over us-west → us-east' })
    .click();
  const { region: failback } = await openedRun(page, [null, switchoverId]);
  await expect(
    failback.getByRole('listitem', { name: 'Switch traffic' }),
  ).toContainText(
    `50 % → ${DEMO_ADDRESSES['us-east']}, 50 % → ${DEMO_ADDRESSES['us-west']}`,
    { timeout: 90_000 },
  );
  await expect(
    runs
      .getByRole('row')
      .filter({ hasText: /US West \(Oregon\)\s*→\s*US East \(Virginia\)/ })
      .first(),
  ).toContainText('succeeded', { timeout: 90_000 });

  // back where the first command started, but us-west fenced
  expect(await digApi()).toBe(DEMO_ADDRESSES['us-east']);
  expect(await nodeState('us-east')).toEqual({
    role: 'primary',
    insert: 'inserted',
  });
  expect((await nodeState('us-west')).insert).toMatch(
    /cannot execute INSERT in a read-only transaction/,
  );
  // and, re-attached the same way, us-west streams from us-east again
  expect(await reattach('us-west')).toContain(
    'us-west is a standby streaming from us-east',
  );
  expect((await nodeState('us-west')).role).toBe('standby');
});
