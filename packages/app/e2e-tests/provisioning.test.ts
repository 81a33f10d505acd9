import { expect, test } from '@playwright/test';
import { backendUrl as backend, guestHeaders, signInAsGuest } from './stack';

function valuesFor(name: string) {
  return {
    name,
    title: `E2E ${name} (Florianópolis)`,
    type: 'edge',
    provider: 'colo',
    owner: 'group:default/sre',
    location: {
      city: 'Florianópolis',
      country: 'BR',
      latitude: -27.6,
      longitude: -48.55,
    },
    hub: 'region:default/studio-sul',
    pool: 'brazil',
    hubLatencyTargetMs: 15,
    transport: 'wireguard',
    userLatencyTargetMs: 20,
    residency: ['LGPD'],
    replication: {
      role: 'cold-standby',
      mode: 'backup',
      // as the brazil spokes: studio-sul is a warm standby, not a source
      source: 'region:default/studio-primary',
      rpoSeconds: 3600,
      rtoSeconds: 7200,
    },
    budget: { monthly: 2500, currency: 'USD' },
    landing: 'local',
    // the readiness of the example hubs is not evaluated in this portal
    force: true,
  };
}

test('a scaffolder dry run of "Provision a region" succeeds and changes nothing', async ({
  request,
}) => {
  const headers = await guestHeaders(request);
  const name = `e2e-dry-${Date.now().toString(36)}`;
  const template = await request.get(
    `${backend}/api/catalog/entities/by-name/template/default/provision-region`,
    { headers },
  );
  expect(template.ok()).toBe(true);

  const dryRun = await request.post(`${backend}/api/scaffolder/v2/dry-run`, {
    headers,
    data: {
      template: await template.json(),
      values: valuesFor(name),
      secrets: {},
      directoryContents: [],
    },
  });
  const body = await dryRun.json();
  expect(dryRun.status(), JSON.stringify(body)).toBe(200);
  const log = body.log.map(
    (l: { body: { message: string } }) => l.body.message,
  );
  expect(log.join('\n')).toContain(`Dry run: region:default/${name} would get`);
  expect(log.join('\n')).toContain(
    `Dry run: would register region:default/${name}`,
  );
  // it wrote the entity into the dry run's own workspace, which it answers
  const files = body.directoryContents.map((f: { path: string }) => f.path);
  expect(files).toEqual(
    expect.arrayContaining([
      'catalog-info.yaml',
      'infrastructure/network.yaml',
      // the example hub studio-sul publishes its WireGuard key and endpoint
      `infrastructure/wireguard/${name}-studio-sul.conf`,
    ]),
  );

  // nothing was allocated or landed
  const allocations = await (
    await request.get(`${backend}/api/regions/allocations`, { headers })
  ).json();
  expect(JSON.stringify(allocations)).not.toContain(name);
  const landings = await (
    await request.get(`${backend}/api/regions/landings`, { headers })
  ).json();
  expect(JSON.stringify(landings)).not.toContain(name);
});

test('"Provision a region" runs through the real scaffolder and the region shows up with lifecycle provisioning', async ({
  page,
  request,
}) => {
  const headers = await guestHeaders(request);
  const name = `e2e-${Date.now().toString(36)}`;
  const created = await request.post(`${backend}/api/scaffolder/v2/tasks`, {
    headers,
    data: {
      templateRef: 'template:default/provision-region',
      values: valuesFor(name),
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = await created.json();

  let task: { status: string } = { status: 'open' };
  await expect
    .poll(
      async () => {
        task = await (
          await request.get(`${backend}/api/scaffolder/v2/tasks/${id}`, {
            headers,
          })
        ).json();
        return task.status;
      },
      { timeout: 60_000 },
    )
    .toMatch(/completed|failed/);
  if (task.status !== 'completed') {
    const events = await (
      await request.get(`${backend}/api/scaffolder/v2/tasks/${id}/events`, {
        headers,
      })
    ).json();
    throw new Error(
      `task ${task.status}: ${events
        .map((e: { body: { message?: string } }) => e.body.message)
        .join('\n')}`,
    );
  }

  // the block is allocated: the next free one of the brazil pool
  const allocations = await (
    await request.get(`${backend}/api/regions/allocations`, { headers })
  ).json();
  const allocation = allocations.allocations.find(
    (a: { region: string }) => a.region === `region:default/${name}`,
  );
  expect(allocation).toMatchObject({ pool: 'brazil' });

  // the catalog serves it
  await expect
    .poll(
      async () =>
        (
          await request.get(
            `${backend}/api/catalog/entities/by-name/region/default/${name}`,
            { headers },
          )
        ).status(),
      { timeout: 60_000 },
    )
    .toBe(200);

  // the regions backend reads it from the catalog on its next sync, and finds
  // no conflict with the regions already there
  let topology: any;
  await expect
    .poll(
      async () => {
        topology = await (
          await request.get(`${backend}/api/regions/topology`, { headers })
        ).json();
        return topology.regions.find((r: { name: string }) => r.name === name)
          ?.lifecycle;
      },
      { timeout: 60_000 },
    )
    .toBe('provisioning');
  expect(
    topology.conflicts.filter((c: { regions: string[] }) =>
      c.regions.includes(`region:default/${name}`),
    ),
  ).toEqual([]);

  // and the Regions page lists it, provisioning, with its block
  await signInAsGuest(page, '/regions?columns=lifecycle,cidr');
  const row = page
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name, exact: true }) });
  await expect(row).toContainText('provisioning');
  await expect(row).toContainText(allocation.cidr);
});
