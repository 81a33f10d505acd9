import { APIRequestContext, expect, Page, test } from '@playwright/test';
import { backendUrl, guestHeaders, signInAsGuest } from './stack';

// a page of the dev build loads slowly on a loaded machine
test.describe.configure({ timeout: 300_000 });

/*
 * "Provision a region" filled in field by field in the browser: the
 * RegionPicker shows each hub's readiness, the CidrPoolPicker the block the
 * run would get, the last page the entity it would write; the run is refused
 * by the hub-readiness gate (the example hubs are not ready in this portal)
 * and changes nothing.
 */

async function json(
  request: APIRequestContext,
  headers: Record<string, string>,
  path: string,
) {
  const res = await request.get(`${backendUrl}${path}`, { headers });
  expect(res.ok(), `${path}: HTTP ${res.status()}`).toBe(true);
  return res.json();
}

/** A MUI select of the form, by the id rjsf gives its field. */
async function choose(page: Page, field: string, option: string) {
  await page.locator(`[aria-labelledby^="root_${field}-label"]`).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

test('"Provision a region" filled in the browser previews the block and entity, then the hub gate refuses the unready hub and nothing changes', async ({
  page,
  request,
}) => {
  const headers = await guestHeaders(request);
  const name = `e2e-form-${Date.now().toString(36)}`;
  const hub = await json(
    request,
    headers,
    '/api/regions/regions/default/studio-sul/readiness',
  );
  expect(hub.ready).toBe(false);
  const { pools } = await json(request, headers, '/api/regions/pools');
  const brazil = pools.find((p: { name: string }) => p.name === 'brazil');

  await signInAsGuest(page, '/create');
  await page
    .locator('.MuiCard-root')
    .filter({ hasText: 'Provision a region' })
    .getByRole('button', { name: 'Choose' })
    .click();
  await expect(page).toHaveURL(
    /\/create\/templates\/default\/provision-region/,
  );

  // page 1: the region
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page
    .getByRole('textbox', { name: 'Title' })
    .fill(`E2E form (Florianópolis)`);
  await page.getByRole('textbox', { name: 'Owner' }).fill('SRE');
  await page.getByRole('option').filter({ hasText: 'SRE' }).first().click();
  await page.getByRole('textbox', { name: 'City' }).fill('Florianópolis');
  await page.getByRole('textbox', { name: 'Country' }).fill('BR');
  await page.getByRole('button', { name: 'Next' }).click();

  // page 2: the hub, with its readiness, and the pool, with the next block
  // the hub picker searches the regions, each with its readiness
  await page.getByRole('textbox', { name: 'Hub' }).fill('Studio-Sul');
  await page
    .getByRole('option', {
      name: new RegExp(
        `^Studio-Sul \\(Porto Alegre\\) — .*readiness ${hub.score
          .toFixed(1)
          .replace(/\.0$/, '')
          .replace('.', '\\.')}% \\(not ready\\)`,
      ),
    })
    .click();
  await choose(
    page,
    'pool',
    `brazil (10.16.0.0/12, /16 blocks) — next ${brazil.nextFree}`,
  );
  await expect(
    page.getByText(
      `This run will allocate ${brazil.nextFree} (the next free block; ${brazil.used} of ${brazil.capacity} are held)`,
      { exact: true },
    ),
  ).toBeVisible();
  await page.getByRole('checkbox', { name: 'LGPD' }).check();
  await page.getByRole('button', { name: 'Next' }).click();

  // page 3: replication and budget left empty
  await page.getByRole('button', { name: 'Next' }).click();

  // page 4: the entity the run would write, validated as the catalog will
  await expect(
    page.getByText(
      `spec.network.cidr ${brazil.nextFree} is a preview: the next free block of pool brazil now. The run allocates the block when it starts, so another run may take this one first.`,
      { exact: true },
    ),
  ).toBeVisible();
  await expect(
    page.getByText('The catalog will accept this region.', { exact: true }),
  ).toBeVisible();
  const preview = page.locator('pre').filter({ hasText: `name: ${name}` });
  for (const line of [
    'kind: Region',
    `name: ${name}`,
    'type: edge',
    'lifecycle: provisioning',
    'owner: group:default/sre',
    'hub: region:default/studio-sul',
    `cidr: ${brazil.nextFree}`,
    '- LGPD',
  ]) {
    await expect(preview).toContainText(line);
  }
  await expect(
    page.getByRole('checkbox', {
      name: 'Provision even if the hub is not ready',
    }),
  ).not.toBeChecked();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  // the run stops at its first step: the hub is below the threshold
  await expect(page).toHaveURL(/\/create\/tasks\/[^/]+$/);
  const taskId = page.url().split('/').pop()!;
  await expect
    .poll(
      async () =>
        (
          await json(request, headers, `/api/scaffolder/v2/tasks/${taskId}`)
        ).status,
      { timeout: 90_000 },
    )
    .toBe('failed');
  const events = await json(
    request,
    headers,
    `/api/scaffolder/v2/tasks/${taskId}/events`,
  );
  const failure = events
    .map((e: { body: { message?: string } }) => e.body.message ?? '')
    .find((m: string) => m.includes('is not ready'));
  const score = Number.isInteger(hub.score)
    ? String(hub.score)
    : hub.score.toFixed(1);
  // the first line of the step's error; a stack trace follows it
  const refusal = failure.split('\n')[0];
  expect(refusal).toMatch(
    new RegExp(
      `^InputError: hub region:default/studio-sul is not ready: readiness ${score.replace(
        '.',
        '\\.',
      )} % is below the threshold of ${
        hub.threshold
      } %; failing checks: .+\\. Nothing was changed; set force to provision anyway\\.$`,
    ),
  );
  // each check that fails, with its evidence
  expect(refusal).toContain(
    'Replication source configured and fresh (failed: ',
  );
  await expect(
    page
      .getByText(
        `hub region:default/studio-sul is not ready: readiness ${score} % is below the threshold of ${hub.threshold} %`,
      )
      .first(),
  ).toBeVisible();

  // nothing was allocated, written or registered
  const { allocations } = await json(
    request,
    headers,
    '/api/regions/allocations',
  );
  expect(
    allocations.filter(
      (a: { region: string }) => a.region === `region:default/${name}`,
    ),
  ).toEqual([]);
  const { entities } = await json(request, headers, '/api/regions/landings');
  expect(JSON.stringify(entities)).not.toContain(name);
  const entity = await request.get(
    `${backendUrl}/api/catalog/entities/by-name/region/default/${name}`,
    { headers },
  );
  expect(entity.status()).toBe(404);
});
