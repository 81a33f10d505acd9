/*
 * What scripts/e2e-backend.ts starts, as the tests need to know it: the DNS record
 * the failover switches, the address of each region, and where PowerDNS
 * answers (written to a file, since the backend runs in another process).
 */
import { APIRequestContext, expect, Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

export const backendUrl =
  process.env.MERIDIAN_BACKEND_URL ?? 'http://localhost:7007';

export const E2E_ZONE = 'meridian.test.';
export const E2E_RECORD = 'api.meridian.test.';
/** As app-config.e2e.yaml's regions.traffic.api-dns.addresses. */
export const E2E_ADDRESSES = {
  'us-east': '10.48.0.10',
  'us-west': '10.49.0.10',
};

export const stackFile = path.resolve(
  __dirname,
  '../../../node_modules/.cache/e2e-stack.json',
);

export interface E2eStack {
  dnsPort: number;
  labUrl: string;
  /** Superuser connection strings of each region's node. */
  databases: Record<keyof typeof E2E_ADDRESSES, string>;
}

export function readStack(): E2eStack {
  return JSON.parse(fs.readFileSync(stackFile, 'utf8'));
}

const GIB = 1024 ** 3;

/**
 * What the OpenCost-shaped server of the run answers for each cluster every
 * day (a region's cluster is its name): fixed, so tests can work out the
 * figures the Cost tab must show.
 */
export const E2E_DAILY_COSTS = {
  'us-east': {
    cpuCost: 40,
    ramCost: 15,
    pvCost: 5,
    networkCost: 2.5,
    cpuCoreRequestAverage: 4,
    cpuCoreUsageAverage: 2,
    ramByteRequestAverage: 8 * GIB,
    ramByteUsageAverage: 6 * GIB,
  },
  'us-west': { cpuCost: 20, ramCost: 10, pvCost: 5 },
};

/**
 * The failback runbook's manual part, done on the e2e stack: `node` rewound
 * into a standby of the other region's node.
 */
export async function rewindAsStandby(
  request: APIRequestContext,
  node: 'us-east' | 'us-west',
) {
  const res = await request.post(`${readStack().labUrl}/rewind?node=${node}`, {
    timeout: 120_000,
  });
  expect(res.status(), await res.text()).toBe(204);
}

/** Headers with a token of the guest user, as the portal signs in. */
export async function guestHeaders(request: APIRequestContext) {
  const res = await request.get(`${backendUrl}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  expect(res.ok()).toBe(true);
  const token = (await res.json()).backstageIdentity.token;
  return { Authorization: `Bearer ${token}` };
}

/**
 * Signs in to the portal as a user of examples/org.yaml, the way a portal
 * behind oauth2-proxy does (app-config.e2e.yaml: the proxy's forwarded user,
 * which this adds to the sign-in request), on the page at `url`, and waits
 * for the app's sidebar. Signing in on the page a test opens spares it a
 * second load of the development bundle.
 */
export async function signInAs(page: Page, user: string, url = '/') {
  await page.route('**/api/auth/oauth2Proxy/refresh*', route =>
    route.continue({
      headers: { ...route.request().headers(), 'x-forwarded-user': user },
    }),
  );
  await page.goto(url);
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Regions', exact: true })
    .waitFor();
}

/** Signs in as the guest user, a member of every team that owns a region. */
export async function signInAsGuest(page: Page, url = '/') {
  await signInAs(page, 'guest', url);
}
