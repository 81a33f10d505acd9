import { expect, test } from '@playwright/test';
import {
  backendUrl,
  E2E_ADDRESSES,
  guestHeaders,
  rewindAsStandby,
  signInAs,
  signInAsGuest,
} from './stack';
import { ensurePrimary, resolveRecord, roles } from './pair';

// Each test starts from us-east the primary of a streaming pair (pair.ts
// ensurePrimary); the switchover leaves us-west the primary, the failback
// us-east again, and the emergency failover us-west.

test('an owner runs a drill from the Failovers tab and follows it to its end', async ({
  page,
  request,
}) => {
  await ensurePrimary(request, 'us-east');
  await signInAsGuest(page, '/catalog/default/region/us-east/failovers');
  const main = page.getByRole('main');
  await main.getByRole('button', { name: 'Fail over…' }).click();

  const dialog = page.getByRole('dialog');
  await expect(dialog.getByText('Fail over us-east')).toBeVisible();
  await dialog.getByRole('radio', { name: /us-west/ }).check();
  await dialog.getByRole('radio', { name: /^Drill/ }).check();
  // the pre-flight, evaluated on the real pair before anything starts
  const preview = dialog.getByRole('region', { name: 'Pre-flight preview' });
  await expect(
    preview.getByText(/Target replicates from the region/),
  ).toBeVisible();
  await dialog
    .getByRole('button', { name: 'Run drill us-east → us-west' })
    .click();

  // the run it started opens by itself, with its checks and their facts
  await page.waitForURL(/[?&]run=/);
  const runId = new URL(page.url()).searchParams.get('run')!;
  const run = main.getByRole('region', { name: `Run ${runId}` });
  const drillRow = main
    .getByRole('table', { name: 'Failover runs' })
    .getByRole('row')
    .filter({
      has: page.getByRole('button', { name: `Hide steps of run ${runId}` }),
    });

  // The readiness gate decides: a standby watched for minutes, not the day
  // the lag check needs, scores below it and the drill reports the refusal a
  // switchover would meet; once failovers in this stack proved it, it passes.
  const gate = run.getByRole('listitem', {
    name: 'Target is production-ready',
  });
  await expect(gate).toContainText(
    /region:default\/us-west scores [\d.]+ (<|≥) threshold 94/,
  );
  const refused = (await gate.textContent())!.includes('<');
  await expect(drillRow).toContainText(refused ? 'refused' : 'succeeded');
  if (refused) {
    await expect(
      main.getByText(
        /refused, nothing changed: Target is production-ready: region:default\/us-west scores [\d.]+ < threshold 94/,
      ),
    ).toBeVisible();
  }
  // the run's checklist, with the facts read from the real pair
  await expect(
    run.getByRole('listitem', { name: 'Target replicates from the region' }),
  ).toContainText(
    /same system identifier \d+, timeline \d+; us-west-db streams from us-east-db/,
  );
  await expect(
    run.getByRole('listitem', { name: 'Target lag within the limit' }),
  ).toContainText(/behind us-east-db at \S+ \(limit 1\.0 MiB\)/);
  // a drill changes nothing, refused or not
  expect(await roles()).toEqual({ 'us-east': 'primary', 'us-west': 'standby' });
  expect(await resolveRecord()).toEqual([E2E_ADDRESSES['us-east']]);
});

test('a switchover through the "Run a failover" template promotes the standby and switches DNS; once the runbook re-attaches the old primary, Fail back shifts traffic to it in steps', async ({
  page,
  request,
}) => {
  test.setTimeout(300_000); // a switchover, a pg_rewind, then a canary run
  await ensurePrimary(request, 'us-east');
  const headers = await guestHeaders(request);

  // forced past the readiness gate only (see the drill above): the checks
  // that keep the data safe still run

  const created = await request.post(`${backendUrl}/api/scaffolder/v2/tasks`, {
    headers,
    data: {
      templateRef: 'template:default/run-failover',
      values: {
        region: 'region:default/us-east',
        target: 'region:default/us-west',
        mode: 'switchover',
        force: true,
      },
    },
  });
  expect(created.status()).toBe(201);
  const { id: taskId } = await created.json();

  let task: any;
  await expect
    .poll(
      async () => {
        task = await (
          await request.get(`${backendUrl}/api/scaffolder/v2/tasks/${taskId}`, {
            headers,
          })
        ).json();
        return task.status;
      },
      { timeout: 90_000, intervals: [1_000] },
    )
    .toMatch(/completed|failed/);
  const events = await (
    await request.get(
      `${backendUrl}/api/scaffolder/v2/tasks/${taskId}/events`,
      { headers },
    )
  ).json();
  const log = events
    .filter((event: any) => event.type === 'log')
    .map((event: any) => event.body.message)
    .join('\n');
  expect(task.status, log).toBe('completed');
  // the task log streamed each step with its timing
  for (const step of [
    /Pre-flight/i,
    /Fence/i,
    /Promote/i,
    /traffic/i,
    /Verify/i,
  ]) {
    expect(log).toMatch(step);
  }
  expect(log).toMatch(/succeeded in \d+(\.\d+)? s/);

  // the record answers the new primary's address to a real DNS query
  expect(await resolveRecord()).toEqual([E2E_ADDRESSES['us-west']]);

  await signInAsGuest(page, '/catalog/default/region/us-west/failovers');
  const row = page
    .getByRole('table', { name: 'Failover runs' })
    .getByRole('row')
    .filter({ hasText: 'Switchover · forced' })
    .first();
  await expect(row).toContainText('succeeded');
  // no data lost: the cell reads exactly 0 B
  await expect(
    row.getByRole('cell', { name: '0 B', exact: true }),
  ).toBeVisible();
  await expect(row).toContainText(/\d+ ms|\d+(\.\d+)? s/); // the measured RTO

  // failing back starts from the switchover's run
  const main = page.getByRole('main');
  await row.getByRole('button', { name: /^Show steps of run/ }).click();
  // us-east is fenced, not a standby yet: the runbook's steps come first
  await expect(
    main.getByText(
      'To fail back, first re-attach us-east as a standby of us-west',
    ),
  ).toBeVisible();
  await expect(
    main.getByRole('list', { name: 'Re-attach steps' }),
  ).toContainText('pg_rewind');

  // the operator follows them (on the e2e stack: the lab's rewind)
  await rewindAsStandby(request, 'us-east');
  const failBack = main.getByRole('button', { name: 'Fail back' });
  await expect(async () => {
    await main.getByRole('button', { name: 'Check again' }).click();
    await expect(failBack).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await failBack.click();

  const dialog = page.getByRole('dialog');
  await expect(dialog.getByText('Fail back to us-east')).toBeVisible();
  await expect(
    dialog.getByRole('radio', { name: /^Switchover/ }),
  ).toBeChecked();
  await dialog
    .getByRole('checkbox', { name: 'Shift traffic in steps (canary)' })
    .check();
  await dialog
    .getByLabel('Traffic on us-east after each step (%)')
    .fill('50, 100');
  await dialog.getByLabel('Hold each step (seconds)').fill('1');
  // past the readiness gate only, as the switchover: us-east has been a standby for seconds
  await dialog.getByRole('checkbox', { name: /^Force/ }).check();
  const preview = dialog.getByRole('region', { name: 'Pre-flight preview' });
  await expect(
    preview.getByRole('listitem', {
      name: 'Target replicates from the region',
    }),
  ).toContainText(/us-east-db streams from us-west-db/);
  await expect(
    preview.getByRole('listitem', { name: 'Traffic can shift in steps' }),
  ).toContainText('api-dns shift to the target in steps of 50, 100 %');
  await dialog.getByLabel('Type us-west to confirm').fill('us-west');
  await dialog
    .getByRole('button', { name: 'Switch over us-west → us-east' })
    .click();

  // the switchover's steps stay open above: follow the run just started
  await page.waitForURL(/[?&]run=/);
  const runId = new URL(page.url()).searchParams.get('run')!;
  const run = main.getByRole('region', { name: `Run ${runId}` });
  await expect(
    run.getByRole('listitem', { name: 'Switch traffic' }),
  ).toContainText('50 % → 10.48.0.10, 50 % → 10.49.0.10', { timeout: 90_000 });
  await expect(
    main
      .getByRole('table', { name: 'Failover runs' })
      .getByRole('row')
      .filter({ hasText: /US West \(Oregon\)\s*→\s*US East \(Virginia\)/ })
      .first(),
  ).toContainText('succeeded', { timeout: 90_000 });
  // the record is plain again, on us-east; us-east takes the writes
  expect(await resolveRecord()).toEqual([E2E_ADDRESSES['us-east']]);
  await page.goto('/catalog/default/region/us-east/replication');
  await expect(page.getByRole('main')).toContainText(/Observed role\s*primary/);
});

test('an emergency failover waits for a second owner, who approves it in their own browser', async ({
  page,
  browser,
  request,
}) => {
  test.setTimeout(240_000); // maybe a switchover and a pg_rewind, then a run waiting for approval
  await ensurePrimary(request, 'us-east');
  await signInAsGuest(page, '/catalog/default/region/us-east/failovers');
  const main = page.getByRole('main');
  const dialog = page.getByRole('dialog');
  // the dialog offers us-west once the collector sees it stream from us-east
  await expect(async () => {
    await main.getByRole('button', { name: 'Fail over…' }).click();
    try {
      await dialog
        .getByRole('radio', { name: /us-west/ })
        .check({ timeout: 3_000 });
    } catch (error) {
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      throw error;
    }
  }).toPass({ timeout: 60_000 });
  await dialog.getByRole('radio', { name: /^Emergency failover/ }).check();
  await dialog.getByRole('checkbox', { name: /^Force/ }).check();
  await expect(
    dialog.getByText(/waits for the approval of another owner of both regions/),
  ).toBeVisible();
  await dialog.getByLabel('Type us-east to confirm').fill('us-east');
  await dialog
    .getByRole('button', { name: 'Fail over us-east → us-west' })
    .click();

  const approvals = main.getByRole('region', { name: 'Approvals' });
  await expect(approvals).toContainText(/0 of 1|waits/i, { timeout: 60_000 });
  // the one who started it may not approve it
  await expect(approvals.getByRole('button', { name: 'Approve' })).toHaveCount(
    0,
  );
  const runUrl = page.url();
  expect(runUrl).toMatch(/[?&]run=/);
  // nothing changed while it waits
  expect(await resolveRecord()).toEqual([E2E_ADDRESSES['us-east']]);

  const priya = await browser.newContext();
  const second = await priya.newPage();
  await signInAs(second, 'priya.nair', runUrl);
  await second
    .getByRole('main')
    .getByRole('region', { name: 'Approvals' })
    .getByRole('button', { name: 'Approve' })
    .click();
  await expect(
    second.getByRole('main').getByRole('list', { name: 'Approvals given' }),
  ).toContainText(/priya/i, { timeout: 30_000 });
  await priya.close();

  await expect(
    main
      .getByRole('table', { name: 'Failover runs' })
      .getByRole('row')
      .filter({ hasText: 'Emergency failover' })
      .first(),
  ).toContainText('succeeded', { timeout: 90_000 });
  expect(await resolveRecord()).toEqual([E2E_ADDRESSES['us-west']]);
});

test('a user who does not own a region may not fail it over', async ({
  request,
}) => {
  const res = await request.post(`${backendUrl}/api/regions/failovers`, {
    headers: await guestHeaders(request),
    data: {
      region: 'region:default/studio-overlap',
      target: 'region:default/studio-ne',
      mode: 'drill',
    },
  });
  expect(res.status()).toBe(403);
  expect((await res.json()).error.message).toContain('regions.failover.run');
});
