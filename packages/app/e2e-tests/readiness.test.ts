import { APIRequestContext, expect, Page, test } from '@playwright/test';
import {
  registerLocation,
  removeLocation,
  startEntityServer,
} from './entityServer';
import { backendUrl, guestHeaders, signInAsGuest } from './stack';

// a page of the dev build loads slowly on a loaded machine
test.describe.configure({ timeout: 300_000 });

/*
 * The Readiness tab of a region this test registers from its own server:
 * "Availability target declared" fails, the owner declares the target in
 * the entity file, the catalog reads it again, and the check passes with the
 * score going up.
 */

const CHECK = 'Availability target declared';

function regionYaml(name: string, availabilityTarget?: number) {
  return `apiVersion: meridian.dev/v1alpha1
kind: Region
metadata:
  name: ${name}
  title: E2E readiness (${name})
spec:
  type: edge
  lifecycle: production
  owner: group:default/payments-team
  location: { city: Recife, country: BR, latitude: -8.05, longitude: -34.9 }
  hub: region:default/studio-sul
  network: { cidr: 10.250.${Math.floor(Math.random() * 250)}.0/24 }
  links:
    - { to: region:default/studio-sul, latencyTargetMs: 30, transport: wireguard }
  residency: [LGPD]
${
  availabilityTarget === undefined
    ? ''
    : `  availabilityTarget: ${availabilityTarget}\n`
}`;
}

type Readiness = {
  score: number;
  evaluatedAt: string | null;
  categories: {
    checks: { id: string; result: string; evidence: string }[];
  }[];
};

/** The backend's scorecard once the check has the wanted result. */
async function readinessWhen(
  request: APIRequestContext,
  headers: Record<string, string>,
  name: string,
  result: 'failed' | 'passed',
): Promise<Readiness> {
  let readiness: Readiness | undefined;
  await expect
    .poll(
      async () => {
        const res = await request.get(
          `${backendUrl}/api/regions/regions/default/${name}/readiness`,
          { headers },
        );
        if (!res.ok()) return `HTTP ${res.status()}`;
        readiness = await res.json();
        return readiness!.categories
          .flatMap(c => c.checks)
          .find(c => c.id === 'availability-target')?.result;
      },
      // catalog processing, the regions sync (5 s) and the evaluation (10 s)
      { timeout: 120_000, intervals: [2_000] },
    )
    .toBe(result);
  return readiness!;
}

const formatScore = (score: number) => `${Number(score.toFixed(1))}%`;

async function expectTab(
  page: Page,
  score: number,
  result: 'Failed' | 'Passed',
  evidence: string,
) {
  const main = page.getByRole('main');
  const card = main
    .locator('.MuiCard-root')
    .filter({ has: page.getByText('Readiness', { exact: true }) });
  await expect(
    card.getByText(formatScore(score), { exact: true }),
  ).toBeVisible();
  await expect(
    card.getByText(`${formatScore(score)} · not ready`, { exact: true }),
  ).toBeVisible();
  const item = main
    .getByRole('listitem')
    .filter({ has: page.getByText(CHECK, { exact: true }) });
  await expect(item.getByText(result, { exact: true })).toBeVisible();
  await expect(
    item.getByText(new RegExp(`^${evidence.replace(/\./g, '\\.')} \\(`)),
  ).toBeVisible();
}

test('a failing readiness check passes once the owner fixes the entity, and the score rises', async ({
  page,
  request,
}) => {
  const headers = await guestHeaders(request);
  const name = `e2e-ready-${Date.now().toString(36)}`;
  const entities = await startEntityServer();
  const file = `${name}.yaml`;
  entities.put(file, regionYaml(name));
  const location = await registerLocation(request, headers, entities.url(file));
  try {
    const before = await readinessWhen(request, headers, name, 'failed');
    await signInAsGuest(page, `/catalog/default/region/${name}/readiness`);
    await expectTab(
      page,
      before.score,
      'Failed',
      'spec.availabilityTarget is not declared',
    );
    await expect(
      page.getByText(
        'To fix: Declare spec.availabilityTarget (percent, e.g. 99.9) so that alerts and SLOs have a target.',
        { exact: true },
      ),
    ).toBeVisible();

    // the owner declares it in the file; the catalog reads it again
    entities.put(file, regionYaml(name, 99.9));
    const refreshed = await request.post(`${backendUrl}/api/catalog/refresh`, {
      headers,
      data: { entityRef: `region:default/${name}` },
    });
    expect(refreshed.status(), await refreshed.text()).toBe(200);
    const after = await readinessWhen(request, headers, name, 'passed');
    expect(after.score).toBeGreaterThan(before.score);

    await page.reload();
    await expectTab(page, after.score, 'Passed', 'availability target 99.9 %');
  } finally {
    await removeLocation(request, headers, location);
    await entities.close();
  }
  // the region is gone from the catalog with its location
  await expect
    .poll(
      async () =>
        (
          await request.get(
            `${backendUrl}/api/catalog/entities/by-name/region/default/${name}`,
            { headers },
          )
        ).status(),
      { timeout: 30_000 },
    )
    .toBe(404);
});
