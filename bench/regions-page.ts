/*
 * The Regions page at scale, in Debian's Chromium against the end-to-end
 * stack (playwright.config.ts: the real backend on 7007, the app on 3000):
 * BENCH_REGIONS Region entities (ten global hubs, the rest edges) and
 * BENCH_COMPONENTS Components deployed in them are registered in the
 * catalog from a URL location this bench serves (the entityServer.ts
 * pattern of the e2e tests), and once the catalog and the regions plugin
 * hold them all it prints, over BENCH_RUNS in-app navigations each (the
 * page's code loaded once before):
 * - the time until the Regions table is usable (rows of the bench's regions
 *   drawn and its search box enabled), next to the time Backstage's own
 *   catalog table (/catalog?filters[kind]=region) takes for the same regions;
 * - the topology's time to first draw and its drawn size against the window.
 * Goals: Regions page ≤ 0.6 × the catalog table; topology interactive within
 * 2 s and no wider than the window at its first draw.
 *
 * Start the stack first (it is the e2e run's, with the collectors on the
 * plugin's production-like schedules; the bench leaves it running):
 *
 *   MERIDIAN_E2E_EXTRA_CONFIG=../../bench/app-config.bench.yaml \
 *     node --require @backstage/cli/config/nodeTransform.cjs scripts/e2e-backend.ts &
 *   yarn start app --config ../../app-config.yaml --config e2e-tests/app-config.e2e.yaml &
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/regions-page.ts
 *
 * Environment: BENCH_REGIONS (1000), BENCH_COMPONENTS (2000), BENCH_RUNS (5),
 * BENCH_KEEP (set: leave the entities in the catalog for the next run),
 * PLAYWRIGHT_URL (http://localhost:3000), MERIDIAN_BACKEND_URL
 * (http://localhost:7007), CHROMIUM_PATH (/usr/bin/chromium).
 */
import { chromium, Page, request as requestContext } from 'playwright-core';
import { loadavg } from 'node:os';
import {
  registerLocation,
  removeLocation,
  startEntityServer,
} from '../packages/app/e2e-tests/entityServer';
import {
  backendUrl,
  guestHeaders,
  signInAsGuest,
} from '../packages/app/e2e-tests/stack';

const REGIONS = Number(process.env.BENCH_REGIONS ?? 1000);
const COMPONENTS = Number(process.env.BENCH_COMPONENTS ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const APP_URL = process.env.PLAYWRIGHT_URL ?? 'http://localhost:3000';
const HUBS = 10;
/** How long the catalog may take to ingest everything. */
const INGEST_DEADLINE_MS = 15 * 60_000;
const pad = (i: number) => String(i).padStart(4, '0');
const regionName = (i: number) => `bench-region-${pad(i)}`;

function regionYaml(i: number): string {
  const hub = i < HUBS;
  return [
    'apiVersion: meridian.dev/v1alpha1',
    'kind: Region',
    'metadata:',
    `  name: ${regionName(i)}`,
    'spec:',
    `  type: ${hub ? 'global-hub' : 'edge'}`,
    '  lifecycle: production',
    '  owner: group:default/sre',
    ...(hub ? [] : [`  hub: region:default/${regionName(i % HUBS)}`]),
    '  network:',
    `    cidr: 172.${16 + (i >> 8)}.${i & 255}.0/24`,
  ].join('\n');
}

function componentYaml(i: number): string {
  return [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: bench-service-${pad(i)}`,
    '  annotations:',
    `    meridian.dev/regions: ${regionName(i % REGIONS)}`,
    'spec:',
    '  type: service',
    '  lifecycle: production',
    '  owner: group:default/sre',
  ].join('\n');
}

/** Polls `read` until `done` holds, failing with what it last read at the deadline. */
async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  deadlineMs = INGEST_DEADLINE_MS,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    // a backend busy ingesting may time a read out: that is not an answer yet
    const value = await read().catch(() => undefined);
    if (value !== undefined && done(value)) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: still ${JSON.stringify(value)} at the deadline`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 2_000));
  }
}

/** Navigates inside the app as its links do (react-router listens to popstate). */
async function navigateInApp(page: Page, path: string) {
  await page.evaluate(to => {
    window.history.pushState({}, '', to);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}

/** ms from an in-app navigation to `path` until `ready` resolves. */
async function timeNavigation(
  page: Page,
  path: string,
  ready: () => Promise<unknown>,
): Promise<number> {
  // from the home page each time: nothing of the page stays mounted
  await navigateInApp(page, '/');
  await page.getByText('Of ', { exact: false }).first().waitFor();
  const start = Date.now();
  await navigateInApp(page, path);
  await ready();
  return Date.now() - start;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const api = await requestContext.newContext();
  const headers = await guestHeaders(api as any);
  const server = await startEntityServer();
  server.put(
    'bench.yaml',
    [
      ...Array.from({ length: REGIONS }, (_, i) => regionYaml(i)),
      ...Array.from({ length: COMPONENTS }, (_, i) => componentYaml(i)),
    ].join('\n---\n'),
  );
  const count = async (filter: string) =>
    (
      await (
        await api.get(
          `${backendUrl}/api/catalog/entities/by-query?limit=1&filter=${encodeURIComponent(
            filter,
          )}`,
          { headers, timeout: 120_000 },
        )
      ).json()
    ).totalItems as number;
  const benchRegionsInTopology = async () =>
    (
      (await (
        await api.get(`${backendUrl}/api/regions/topology`, {
          headers,
          timeout: 120_000,
        })
      ).json()) as { regions: { name: string }[] }
    ).regions.filter(r => r.name.startsWith('bench-region-')).length;

  // a run with BENCH_KEEP=1 left its entities: measure on them again
  const lastRegion = `kind=region,metadata.name=${regionName(REGIONS - 1)}`;
  const location =
    (await count(lastRegion)) === 1
      ? undefined
      : await registerLocation(api as any, headers, server.url('bench.yaml'));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const started = Date.now();
    await waitFor(
      'bench regions in the catalog',
      () => count(lastRegion),
      n => n === 1,
    );
    await waitFor(
      'bench components in the catalog',
      () =>
        count(
          `kind=component,metadata.name=bench-service-${pad(COMPONENTS - 1)}`,
        ),
      n => n === 1,
    );
    await waitFor(
      'bench regions in the regions plugin',
      benchRegionsInTopology,
      n => n === REGIONS,
    );
    const allRegions = await count('kind=region');
    console.log(
      `ingested ${REGIONS} regions and ${COMPONENTS} components in ${(
        (Date.now() - started) /
        1000
      ).toFixed(0)} s (${allRegions} regions in the catalog)`,
    );

    const context = await browser.newContext({
      baseURL: APP_URL,
      viewport: { width: 1440, height: 900 },
    });
    const page = await context.newPage();
    // the first load of each page of the dev build is slow on a busy machine
    page.setDefaultTimeout(600_000);
    await signInAsGuest(page as any);
    const firstRegionLink = () =>
      page
        .getByRole('link', { name: regionName(0), exact: true })
        .first()
        .waitFor();

    const regionsTable = async () => {
      await page
        .getByRole('heading', { name: `Regions (${allRegions})` })
        .waitFor();
      await firstRegionLink();
      await page
        .getByPlaceholder(/^(Filter|Search)/)
        .first()
        .waitFor();
    };
    const catalogTable = async () => {
      await firstRegionLink();
      await page
        .getByPlaceholder(/^(Filter|Search)/)
        .first()
        .waitFor();
    };
    const views = {
      'Regions table': { path: '/regions', ready: regionsTable },
      'catalog table': {
        path: '/catalog?filters[kind]=region&filters[user]=all',
        ready: catalogTable,
      },
    };
    const times: Record<string, number[]> = {};
    for (const [name, view] of Object.entries(views)) {
      // loads the page's code and warms the backend's caches
      await timeNavigation(page, view.path, view.ready);
      times[name] = [];
      for (let run = 0; run < RUNS; run++) {
        times[name].push(await timeNavigation(page, view.path, view.ready));
      }
    }

    // the topology: time to its first drawn node, and the drawing's size
    const topologyTimes: number[] = [];
    let drawn = { width: 0, height: 0, windowWidth: 0, pageWidth: 0 };
    const graph = page.getByRole('group', { name: 'Region topology' });
    const topologyDrawn = async () => {
      await graph
        .locator('svg g[data-testid="node"], svg g.node, svg rect')
        .first()
        .waitFor();
      await page.getByLabel('Find a region').waitFor();
    };
    await timeNavigation(page, '/regions?view=topology', topologyDrawn);
    for (let run = 0; run < RUNS; run++) {
      topologyTimes.push(
        await timeNavigation(page, '/regions?view=topology', topologyDrawn),
      );
      drawn = await graph.evaluate(element => {
        // the graph's drawing, not the icons of its buttons
        const svg = [...element.querySelectorAll('svg')]
          .map(each => each.getBoundingClientRect())
          .reduce((widest, each) =>
            each.width > widest.width ? each : widest,
          );
        return {
          width: Math.round(svg.width),
          height: Math.round(svg.height),
          windowWidth: window.innerWidth,
          pageWidth: document.documentElement.scrollWidth,
        };
      });
    }
    await context.close();

    const regionsMs = median(times['Regions table']);
    const catalogMs = median(times['catalog table']);
    const topologyMs = median(topologyTimes);
    const ratio = regionsMs / catalogMs;
    console.log(
      `${REGIONS} regions, ${COMPONENTS} components, median of ${RUNS} in-app navigations, load ${loadavg()[0].toFixed(
        1,
      )} (${allRegions} regions in the catalog)`,
    );
    console.log(
      `Regions table usable   ${regionsMs} ms  (runs: ${times[
        'Regions table'
      ].join(', ')})`,
    );
    console.log(
      `catalog table usable   ${catalogMs} ms  (runs: ${times[
        'catalog table'
      ].join(', ')})`,
    );
    console.log(
      `ratio                  ${ratio.toFixed(2)}  (goal ≤ 0.6: ${
        ratio <= 0.6 ? 'met' : 'MISSED'
      })`,
    );
    console.log(
      `topology first draw    ${topologyMs} ms  (runs: ${topologyTimes.join(
        ', ',
      )}; goal ≤ 2000: ${topologyMs <= 2000 ? 'met' : 'MISSED'})`,
    );
    console.log(
      `topology drawn size    ${drawn.width} × ${drawn.height} px in a ${
        drawn.windowWidth
      } px window, page ${
        drawn.pageWidth
      } px wide (goal: no wider than the window: ${
        drawn.width <= drawn.windowWidth && drawn.pageWidth <= drawn.windowWidth
          ? 'met'
          : 'MISSED'
      })`,
    );
  } finally {
    await browser.close();
    // the stack stays up; the bench's entities leave it unless BENCH_KEEP=1
    if (location && !process.env.BENCH_KEEP) {
      await removeLocation(api as any, headers, location).catch(error =>
        console.error(
          `could not remove the bench location: ${
            error.message.split('\n')[0]
          }`,
        ),
      );
    }
    await server.close();
    await api.dispose();
  }
}

main().catch(error => {
  // the first line only: Playwright's call logs carry the guest token
  // the message and where in the bench, not Playwright's call log (it
  // carries the guest token)
  const stack = String(error.stack ?? error);
  console.error(stack.split('Call log:')[0].split('\n    at ')[0]);
  console.error(
    stack
      .split('\n')
      .filter(line => line.includes('bench/'))
      .join('\n'),
  );
  process.exit(1);
});
