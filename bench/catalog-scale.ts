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
 * entity is processed and stitched (final_entities, an empty stitch queue),
 * and the CPU time the backend and PostgreSQL spent meanwhile: identical runs
 * differ by up to ±15 % in wall time on two cores, so BENCH_PAIRS pairs of
 * runs, alternated, give medians. The regions plugin's catalog sync is held
 * back meanwhile (the figure is the catalog module's: the sync runs once at
 * startup, then not for an hour); after the last pair it is started: the time
 * until it holds every region is printed, and GET /api/regions/topology is
 * timed over BENCH_RUNS requests (`timeTopology` in lib.ts: until the last
 * byte, and with the JSON parsed). Goals: overhead ≤ 5 %, p95 ≤ 100 ms.
 *
 * Run from the repository root:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/catalog-scale.ts
 *
 * Environment: BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432),
 * BENCH_REGIONS (10000), BENCH_COMPONENTS (100000), BENCH_PAIRS (1),
 * BENCH_ANCHOR (0 for the meridian runs alone),
 * BENCH_RUNS (50).
 */
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  BackendFeature,
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  catalogProcessingExtensionPoint,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import knexFactory from 'knex';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import catalogModuleRegions from '../plugins/catalog-backend-module-regions/src';
import regionsPlugin from '../plugins/regions-backend/src';
import { TopologyTiming, timeTopology, topologyFigures } from './lib';

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

const CLOCK_TICKS_PER_SECOND = Number(
  execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }),
);

/**
 * CPU seconds used so far by this process (the backend runs in it) and by the
 * PostgreSQL servers' processes, ended ones included: a postmaster's reaped
 * children are in its cutime and cstime. Wall time swings by ±15 % between
 * identical runs on two cores; CPU time is the work done.
 */
function cpuSeconds() {
  const { user, system } = process.cpuUsage();
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter(name => /^\d+$/.test(name))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile: counted by its postmaster
    }
    const commEnd = stat.lastIndexOf(')');
    if (stat.slice(stat.indexOf('(') + 1, commEnd) !== 'postgres') {
      continue;
    }
    // utime, stime, cutime, cstime are fields 14–17 (proc(5)); these count from field 3
    const fields = stat.slice(commEnd + 2).split(' ');
    ticks += fields
      .slice(11, 15)
      .reduce((sum, field) => sum + Number(field), 0);
  }
  return {
    node: (user + system) / 1e6,
    postgres: ticks / CLOCK_TICKS_PER_SECOND,
  };
}

/**
 * One run on fresh databases: the ingest's wall and CPU seconds and, for the
 * last meridian run, the sync and /topology times.
 */
async function run(label: 'plain' | 'meridian', measureTopology = false) {
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
    const cpuBefore = cpuSeconds();
    await provider.apply(entities);
    await waitUntil(
      `${label}: ${entities.length} entities processed`,
      async () => {
        const [{ count }] = await catalogDb('final_entities')
          .whereNotNull('final_entity')
          .count({ count: '*' });
        // stitching is deferred: an entity restitched for a new relation
        // (a hub for its spoke) is done when the queue holds it no more
        const [{ queued }] = await catalogDb('stitch_queue').count({
          queued: '*',
        });
        return Number(count) >= entities.length && Number(queued) === 0;
      },
    );
    const ingestSeconds = (performance.now() - started) / 1000;
    const cpuAfter = cpuSeconds();
    const ingestCpu = {
      node: cpuAfter.node - cpuBefore.node,
      postgres: cpuAfter.postgres - cpuBefore.postgres,
    };
    const [{ errors }] = await catalogDb('refresh_state')
      .whereRaw("errors is not null and errors <> '[]'")
      .count({ errors: '*' });

    let topology: TopologyTiming | undefined;
    let syncSeconds: number | undefined;
    if (label === 'meridian' && measureTopology) {
      const { port } = backend.server.address() as AddressInfo;
      const route = timeTopology(port);
      const syncStarted = performance.now();
      await sync.trigger();
      await waitUntil(
        'topology has every region',
        async () => (await route.regions()) === REGIONS,
      );
      syncSeconds = (performance.now() - syncStarted) / 1000;
      topology = await route.time();
    }
    return {
      ingestSeconds,
      ingestCpu,
      errors: Number(errors),
      topology,
      syncSeconds,
    };
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

const PAIRS = Number(process.env.BENCH_PAIRS ?? 1);
/** BENCH_ANCHOR=0 leaves out the plain runs: the sync and /topology figures alone. */
const SIDES =
  process.env.BENCH_ANCHOR === '0'
    ? (['meridian'] as const)
    : (['plain', 'meridian'] as const);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
};
const percentOver = (ours: number, anchor: number) =>
  `${(((ours - anchor) / anchor) * 100).toFixed(1)} %`;

async function main() {
  const total = REGIONS + COMPONENTS;
  console.log(
    `catalog-scale: ${REGIONS} regions + ${COMPONENTS} annotated components vs ${total} plain components, ${PAIRS} pair(s) of runs, PostgreSQL ${POSTGRES}`,
  );
  const runs: Record<'plain' | 'meridian', Awaited<ReturnType<typeof run>>[]> =
    { plain: [], meridian: [] };
  for (let pair = 1; pair <= PAIRS; pair++) {
    // alternated, so that neither side always runs on a warmer machine
    for (const label of SIDES) {
      const result = await run(label, pair === PAIRS);
      runs[label].push(result);
      const { ingestSeconds, ingestCpu, errors } = result;
      console.log(
        `${label.padEnd(8)} ingest ${ingestSeconds.toFixed(1)} s (${Math.round(
          total / ingestSeconds,
        )} entities/s), CPU ${ingestCpu.node.toFixed(
          1,
        )} s backend + ${ingestCpu.postgres.toFixed(
          1,
        )} s PostgreSQL, entities with errors: ${errors}`,
      );
    }
  }
  if (SIDES.length === 2) {
    const wall = (label: 'plain' | 'meridian') =>
      median(runs[label].map(r => r.ingestSeconds));
    const cpu = (label: 'plain' | 'meridian') =>
      median(runs[label].map(r => r.ingestCpu.node + r.ingestCpu.postgres));
    console.log(
      `processing overhead of the module (median of ${PAIRS}; goal ≤ 5 %): CPU ${percentOver(
        cpu('meridian'),
        cpu('plain'),
      )} (${cpu('meridian').toFixed(1)} vs ${cpu('plain').toFixed(
        1,
      )} s), wall ${percentOver(wall('meridian'), wall('plain'))} (${wall(
        'meridian',
      ).toFixed(1)} vs ${wall('plain').toFixed(1)} s)`,
    );
  }
  const last = runs.meridian[PAIRS - 1];
  console.log(
    `regions plugin: first catalog sync holds all ${REGIONS} regions after ${last.syncSeconds!.toFixed(
      1,
    )} s`,
  );
  console.log(
    `GET /api/regions/topology at ${REGIONS} regions ${topologyFigures(
      last.topology!,
    )}`,
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
