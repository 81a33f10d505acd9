import { expect, test } from '@playwright/test';
import { startEntityServer } from './entityServer';
import { backendUrl, guestHeaders, signInAsGuest } from './stack';

// a page of the dev build loads slowly on a loaded machine
test.describe.configure({ timeout: 300_000 });

/*
 * An invalid Region registered through "Register existing component": the
 * catalog's Region processor refuses it in the import's dry run, the page
 * shows why, field by field, and nothing is registered.
 */

function invalidRegion(name: string) {
  return `apiVersion: meridian.dev/v1alpha1
kind: Region
metadata:
  name: ${name}
spec:
  type: edge
  lifecycle: planned
  owner: group:default/payments-team
  location: { city: Natal, country: BR }
  network: { cidr: 10.300.0.0/16 }
  replication: { role: warm-standby, mode: streaming }
`;
}

test('"Register existing component" refuses an invalid Region and says which fields are wrong', async ({
  page,
  request,
}) => {
  const headers = await guestHeaders(request);
  const name = `e2e-invalid-${Date.now().toString(36)}`;
  const entities = await startEntityServer();
  const file = `${name}.yaml`;
  entities.put(file, invalidRegion(name));
  try {
    await signInAsGuest(page, '/catalog-import');
    await page.getByRole('textbox', { name: 'URL' }).fill(entities.url(file));
    await page.getByRole('button', { name: 'Analyze' }).click();

    await expect(
      page.getByText(
        `InputError: Processor RegionEntitiesProcessor threw an error while validating the entity region:default/${name}; caused by TypeError: Invalid Region "${name}": spec.network.cidr "10.300.0.0/16" is not a CIDR block like 10.16.0.0/16; spec.replication.source is required when spec.replication.role is "warm-standby"`,
        { exact: true },
      ),
    ).toBeVisible();
    // the stepper stays on its first step: there is nothing to review or import
    await expect(page.getByRole('button', { name: 'Import' })).toHaveCount(0);
  } finally {
    await entities.close();
  }

  // nothing was registered: no entity, no location
  const entity = await request.get(
    `${backendUrl}/api/catalog/entities/by-name/region/default/${name}`,
    { headers },
  );
  expect(entity.status()).toBe(404);
  const locations = await (
    await request.get(`${backendUrl}/api/catalog/locations`, { headers })
  ).json();
  expect(JSON.stringify(locations)).not.toContain(name);
});
