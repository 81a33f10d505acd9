/*
 * GET /api/regions/topology over many regions, without the catalog's own
 * processing (bench/catalog-scale.ts measures that): the real regions plugin
 * in a test backend, its catalog sync reading BENCH_REGIONS Region entities
 * (default 10,000: ten global hubs, the rest edges, each its own /24, as in
 * catalog-scale) from a catalog mock, on PostgreSQL and on SQLite. Once the
 * plugin has synced every region, p50/p95 over BENCH_RUNS requests until the
 * answer's last byte (goal p95 ≤ 100 ms at 10,000 regions) and with the JSON
 * parsed in the bench, and the size of the answer.
 *
 * Run from the repository root:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/topology-scale.ts
 *
 * Environment: BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432;
 * empty to skip), BENCH_REGIONS (10000), BENCH_RUNS (50).
 */
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import regionsPlugin from '../plugins/regions-backend/src';
import { onEachEngine, RUNS, timeTopology, topologyFigures } from './lib';

const REGIONS = Number(process.env.BENCH_REGIONS ?? 10_000);
const HUBS = 10;

/** Region i: ten global hubs, the rest edges hanging off one, each its own /24. */
function region(i: number): Entity {
  const hub = i < HUBS;
  return {
    apiVersion: 'meridian.dev/v1alpha1',
    kind: 'Region',
    metadata: { name: `region-${i}`, namespace: 'default' },
    spec: {
      type: hub ? 'global-hub' : 'edge',
      lifecycle: 'production',
      owner: 'group:default/sre',
      ...(hub ? {} : { hub: `region:default/region-${i % HUBS}` }),
      network: { cidr: `10.${i >> 8}.${i & 255}.0/24` },
    },
  };
}

async function waitUntil(what: string, done: () => Promise<boolean>) {
  const deadline = Date.now() + 10 * 60_000;
  while (!(await done())) {
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within 10 minutes`);
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}

async function main() {
  console.log(
    `topology-scale: GET /api/regions/topology over ${REGIONS} regions, ${RUNS} requests after one warm-up`,
  );
  const entities = Array.from({ length: REGIONS }, (_, i) => region(i));
  await onEachEngine(async (engine, knex) => {
    const backend = await startTestBackend({
      features: [
        regionsPlugin,
        // the real scheduler: the plugin syncs from the catalog on it
        schedulerServiceFactory,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities }),
        // the catalog sync at its default frequency (15 s), as deployed
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    try {
      const { port } = backend.server.address() as AddressInfo;
      const route = timeTopology(port);
      const started = Date.now();
      await waitUntil(
        'topology has every region',
        async () => (await route.regions()) === REGIONS,
      );
      console.log(
        `${engine.padEnd(8)} first sync of every region seen after ${(
          (Date.now() - started) /
          1000
        ).toFixed(1)} s`,
      );
      console.log(`${engine.padEnd(8)} ${topologyFigures(await route.time())}`);
    } finally {
      await backend.stop();
    }
  });
  // figures taken on a busy machine say so
  console.log(`load average at the end: ${loadavg()[0].toFixed(1)}`);
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
