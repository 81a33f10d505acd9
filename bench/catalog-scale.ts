/*
 * The catalog at scale: how much the Meridian catalog module adds to the real
 * catalog's processing, and how fast /topology answers over every region.
 *
 * Two runs, each a real backend (startTestBackend) with the real catalog on
 * its own fresh PostgreSQL databases, fed by an entity provider:
 * - `plain`: BENCH_REGIONS + BENCH_COMPONENTS plain Components, no Meridian
 *   module (the anchor);
 * - `meridian`: the catalog module and the regions plugin, BENCH_REGIONS
 *   Region entities and BENCH_COMPONENTS Components annotated with
 *   meridian.dev/regions (each naming one region).
 * Each figure is the time from the provider's full mutation until every
 * entity is processed and stitched (final_entities). The regions plugin's
 * catalog sync is held back meanwhile (the figure is the catalog module's:
 * the sync runs once at startup, then not for an hour), then started: the
 * time until it holds every region is printed, and GET /api/regions/topology
 * is timed: p50/p95 over BENCH_RUNS requests. Goals: overhead ≤ 5 %,
 * p95 ≤ 100 ms.
 *
 * Run from the repository root:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/catalog-scale.ts
 *
 * Environment: BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432),
 * BENCH_REGIONS (10000), BENCH_COMPONENTS (100000), BENCH_RUNS (50).
 */
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  BackendFeature,
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  catalogProcessingExtensionPoint,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import knexFactory from 'knex';
import { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import catalogModuleRegions from '../plugins/catalog-backend-module-regions/src';
import regionsPlugin from '../plugins/regions-backend/src';
import { percentile, time } from './lib';

const POSTGRES =
  process.env.BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';
const REGIONS = Number(process.env.BENCH_REGIONS ?? 10_000);
const COMPONENTS = Number(process.env.BENCH_COMPONENTS ?? 100_000);
const HUBS = 10;

const location = {
  'backstage.io/managed-by-location': 'url:https://bench.example/catalog',
  'backstage.io/managed-by-origin-location':
    'url:https://bench.example/catalog',
};

/** Region i: ten global hubs, the rest edges hanging off one, each its own /24. */
function region(i: number): Entity {
  const hub = i < HUBS;
  return {
    apiVersion: 'meridian.dev/v1alpha1',
    kind: 'Region',
    metadata: { name: `region-${i}`, annotations: location },
    spec: {
      type: hub ? 'global-hub' : 'edge',
      lifecycle: 'production',
      owner: 'group:default/sre',
      ...(hub ? {} : { hub: `region:default/region-${i % HUBS}` }),
      network: { cidr: `10.${i >> 8}.${i & 255}.0/24` },
    },
  };
}

function component(i: number, regionName?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `service-${i}`,
      annotations: {
        ...location,
        ...(regionName ? { 'meridian.dev/regions': regionName } : {}),
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'sre' },
  };
}

/** A catalog module whose provider the bench fills in one full mutation. */
function benchProvider() {
  let connection: EntityProviderConnection | undefined;
  const module = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'bench-provider',
    register(reg) {
      reg.registerInit({
        deps: { catalog: catalogProcessingExtensionPoint },
        async init({ catalog }) {
          catalog.addEntityProvider({
            getProviderName: () => 'bench',
            connect: async c => {
              connection = c;
            },
          });
        },
      });
    },
  });
  return {
    module,
    apply: (entities: Entity[]) =>
      connection!.applyMutation({
        type: 'full',
        entities: entities.map(entity => ({ entity, locationKey: 'bench' })),
      }),
  };
}

/**
 * A module of the regions plugin that starts its catalog sync when the bench
 * says so (its scheduler is the plugin's own).
 */
function catalogSyncTrigger() {
  let scheduler: SchedulerService | undefined;
  const module = createBackendModule({
    pluginId: 'regions',
    moduleId: 'bench-sync-trigger',
    register(reg) {
      reg.registerInit({
        deps: { scheduler: coreServices.scheduler },
        async init(deps) {
          scheduler = deps.scheduler;
        },
      });
    },
  });
  return {
    module,
    trigger: () => scheduler!.triggerTask('regions-catalog-sync'),
  };
}

async function waitUntil(what: string, done: () => Promise<boolean>) {
  const deadline = Date.now() + 60 * 60_000;
  while (!(await done())) {
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within an hour`);
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}

/** One run on fresh databases; answers the ingest seconds and, with regions, /topology times. */
async function run(label: 'plain' | 'meridian') {
  const prefix = `meridian_bench_${label}_${process.pid}_`;
  const provider = benchProvider();
  const sync = catalogSyncTrigger();
  const features: BackendFeature[] = [
    catalogPlugin,
    provider.module,
    databaseServiceFactory,
    // the real scheduler: the regions plugin syncs from the catalog on it
    schedulerServiceFactory,
    mockServices.rootConfig.factory({
      data: {
        backend: {
          database: { client: 'pg', connection: POSTGRES, prefix },
        },
        // no re-processing of what was just processed while the bench runs
        catalog: { processingInterval: { minutes: 30 } },
        // once at startup (an empty catalog), then when the bench triggers it
        regions: {
          collectors: { catalog: { frequency: { hours: 1 } } },
        },
      },
    }),
  ];
  if (label === 'meridian') {
    features.push(catalogModuleRegions, regionsPlugin, sync.module);
  }
  const backend = await startTestBackend({ features });
  const catalogDb = knexFactory({
    client: 'pg',
    connection: `${POSTGRES}/${prefix}catalog`,
  });
  try {
    const entities =
      label === 'plain'
        ? Array.from({ length: REGIONS + COMPONENTS }, (_, i) => component(i))
        : [
            ...Array.from({ length: REGIONS }, (_, i) => region(i)),
            ...Array.from({ length: COMPONENTS }, (_, i) =>
              component(i, `region-${i % REGIONS}`),
            ),
          ];
    const started = performance.now();
    await provider.apply(entities);
    await waitUntil(
      `${label}: ${entities.length} entities processed`,
      async () => {
        const [{ count }] = await catalogDb('final_entities')
          .whereNotNull('final_entity')
          .count({ count: '*' });
        return Number(count) >= entities.length;
      },
    );
    const ingestSeconds = (performance.now() - started) / 1000;
    const [{ errors }] = await catalogDb('refresh_state')
      .whereRaw("errors is not null and errors <> '[]'")
      .count({ errors: '*' });

    let topology: number[] | undefined;
    let syncSeconds: number | undefined;
    if (label === 'meridian') {
      const { port } = backend.server.address() as AddressInfo;
      const get = () =>
        fetch(`http://127.0.0.1:${port}/api/regions/topology`, {
          headers: { authorization: mockCredentials.user.header() },
        }).then(r => r.json());
      const syncStarted = performance.now();
      await sync.trigger();
      await waitUntil('topology has every region', async () => {
        const body = await get();
        return body.regions?.length === REGIONS;
      });
      syncSeconds = (performance.now() - syncStarted) / 1000;
      topology = await time(get);
    }
    return { ingestSeconds, errors: Number(errors), topology, syncSeconds };
  } finally {
    await catalogDb.destroy();
    await backend.stop();
    const admin = knexFactory({ client: 'pg', connection: POSTGRES });
    const { rows } = await admin.raw(
      'select datname from pg_database where datname like ?',
      [`${prefix}%`],
    );
    for (const { datname } of rows) {
      await admin.raw(`drop database "${datname}" with (force)`);
    }
    await admin.destroy();
  }
}

async function main() {
  const total = REGIONS + COMPONENTS;
  console.log(
    `catalog-scale: ${REGIONS} regions + ${COMPONENTS} annotated components vs ${total} plain components, PostgreSQL ${POSTGRES}`,
  );
  const plain = await run('plain');
  const meridian = await run('meridian');
  const overhead =
    ((meridian.ingestSeconds - plain.ingestSeconds) / plain.ingestSeconds) *
    100;
  const rate = (s: number) => Math.round(total / s);
  console.log(
    `plain (anchor)  ingest ${plain.ingestSeconds.toFixed(1)} s (${rate(
      plain.ingestSeconds,
    )} entities/s), entities with errors: ${plain.errors}`,
  );
  console.log(
    `meridian        ingest ${meridian.ingestSeconds.toFixed(1)} s (${rate(
      meridian.ingestSeconds,
    )} entities/s), entities with errors: ${meridian.errors}`,
  );
  console.log(
    `processing overhead of the module: ${overhead.toFixed(1)} % (goal ≤ 5 %)`,
  );
  console.log(
    `regions plugin: first catalog sync holds all ${REGIONS} regions after ${meridian.syncSeconds!.toFixed(
      1,
    )} s`,
  );
  console.log(
    `GET /api/regions/topology at ${REGIONS} regions: p50 ${percentile(
      meridian.topology!,
      0.5,
    )} ms, p95 ${percentile(meridian.topology!, 0.95)} ms (goal p95 ≤ 100 ms)`,
  );
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
