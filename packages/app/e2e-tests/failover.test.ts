import { Resolver } from 'node:dns/promises';
import { expect, test } from '@playwright/test';
import {
  backendUrl,
  E2E_ADDRESSES,
  E2E_RECORD,
  guestHeaders,
  readStack,
  signInAsGuest,
} from './stack';

// Runs after app.test.ts (files run in name order on one worker): the
// switchover here makes us-west the primary for the rest of the run.

/** What the PowerDNS of the run answers for the switched record. */
async function resolveRecord(): Promise<string[]> {
  const resolver = new Resolver();
  resolver.setServers([`127.0.0.1:${readStack().dnsPort}`]);
  return resolver.resolve4(E2E_RECORD);
}

test('an owner runs a drill from the Failovers tab and follows it to its end', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/region/us-east/failovers');
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

  // A standby watched for minutes, not the day the lag check needs, is not
  // proven ready: the drill reports the readiness gate that would refuse a
  // switchover, next to the checks that pass against the real pair.
  const runs = main.getByRole('table', { name: 'Failover runs' });
  const drillRow = runs.getByRole('row').filter({ hasText: 'Drill' }).first();
  await expect(drillRow).toContainText('refused');
  // the run it started opens by itself, with its checks and their facts
  await expect(
    main.getByText(
      /refused, nothing changed: Target is production-ready: region:default\/us-west scores [\d.]+ < threshold 94/,
    ),
  ).toBeVisible();
  // the run's checklist, with the facts read from the real pair
  await expect(
    main.getByRole('listitem', { name: 'Target replicates from the region' }),
  ).toContainText(
    /same system identifier \d+, timeline 1; us-west-db streams from us-east-db/,
  );
  await expect(
    main.getByRole('listitem', { name: 'Target lag within the limit' }),
  ).toContainText(/behind us-east-db at \S+ \(limit 1\.0 MiB\)/);
  expect(await resolveRecord()).toEqual([E2E_ADDRESSES['us-east']]);
});

test('a switchover through the "Run a failover" template promotes the standby and switches DNS', async ({
  page,
  request,
}) => {
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

  await signInAsGuest(page);
  await page.goto('/catalog/default/region/us-west/failovers');
  const row = page
    .getByRole('table', { name: 'Failover runs' })
    .getByRole('row')
    .filter({ hasText: 'Switchover · forced' })
    .first();
  await expect(row).toContainText('succeeded');
  await expect(row).toContainText('0 B'); // no data lost
  await expect(row).toContainText(/\d+ ms|\d+(\.\d+)? s/); // the measured RTO
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
