/*
 * Measures how fast the regions backend answers a replication history window
 * over a realistic amount of data, on PostgreSQL and on SQLite.
 *
 * It fills a scratch database the way the collector leaves it with the default
 * retention: 10-second samples of 50 replicas of one region for the last 48
 * hours (the raw rows), and the 5-minute rollups of 35 days. Then, for each
 * window, it times two things and prints their p50 and p95:
 * - `store`: the store's history query alone;
 * - `http`: GET /regions/default/bench-primary/replication?window=… through
 *   the plugin's router on a local HTTP server (region lookup, latest state
 *   with 50 replicas, history, JSON), as a client sees it minus the backend's
 *   auth middleware.
 *
 * Run from the repository root:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/replication-window.ts
 *
 * Environment: BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432;
 * empty to skip), BENCH_REPLICAS (50), BENCH_RUNS (50).
 */
import { performance } from 'node:perf_hooks';
import { AddressInfo } from 'node:net';
import { ReplicationWindow } from '@meridian/plugin-regions-common';
import { ReplicationSource } from '@meridian/plugin-regions-node';
import { ConfigReader } from '@backstage/config';
import express from 'express';
import { Knex } from 'knex';
import { region } from '../plugins/regions-backend/src/__testUtils__/region';
import { ReplicationCollector } from '../plugins/regions-backend/src/collectors/replication/ReplicationCollector';
import { DatabaseRegionsStore } from '../plugins/regions-backend/src/database/DatabaseRegionsStore';
import { LinkLatencyStore } from '../plugins/regions-backend/src/database/LinkLatencyStore';
import { ReadinessStore } from '../plugins/regions-backend/src/database/ReadinessStore';
import { readReadinessSettings } from '../plugins/regions-backend/src/readiness/config';
import { ReadinessEvaluator } from '../plugins/regions-backend/src/readiness/ReadinessEvaluator';
import {
  ReplicationStore,
  ROLLUP_BUCKET_MS,
} from '../plugins/regions-backend/src/database/ReplicationStore';
import { ObservedRoles } from '../plugins/regions-backend/src/service/observedRoles';
import { createRouter } from '../plugins/regions-backend/src/service/router';
import {
  databaseOf,
  onEachEngine,
  percentile,
  silentLogger,
  time,
} from './lib';

const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 50);
const REGION_NAME = 'bench-primary';
const REGION = `region:default/${REGION_NAME}`;
const SAMPLE_EVERY_MS = 10_000;
const RAW_SPAN_MS = 48 * 3_600_000;
const ROLLUP_SPAN_MS = 35 * 86_400_000;
const WINDOWS: ReplicationWindow[] = ['1h', '24h', '7d', '30d'];

const now = new Date(
  Math.floor(Date.now() / SAMPLE_EVERY_MS) * SAMPLE_EVERY_MS,
);

async function fillPostgres(knex: Knex) {
  await knex.raw(
    `insert into region_replication_samples
       (region_ref, replica, sampled_at, state, sync_state, lag_bytes, lag_seconds)
     select ?, 'replica-' || r, t, 'streaming', 'async',
            (random() * 1e7)::bigint, random() * 30
     from generate_series(?::timestamptz, ?::timestamptz, interval '10 seconds') t,
          generate_series(1, ?) r`,
    [REGION, new Date(now.getTime() - RAW_SPAN_MS), now, REPLICAS],
  );
  await knex.raw(
    `insert into region_replication_rollups
       (region_ref, bucket, max_lag_bytes, max_lag_seconds)
     select ?, b, (random() * 1e7)::bigint, random() * 60
     from generate_series(?::timestamptz, ?::timestamptz, interval '5 minutes') b`,
    [REGION, rollupStart(), now],
  );
  await knex.raw('analyze');
}

async function fillSqlite(knex: Knex) {
  await knex.raw(
    `insert into region_replication_samples
       (region_ref, replica, sampled_at, state, sync_state, lag_bytes, lag_seconds)
     with recursive
       t(ms) as (select ? union all select ms + ? from t where ms + ? <= ?),
       r(n) as (select 1 union all select n + 1 from r where n < ?)
     select ?, 'replica-' || n, ms, 'streaming', 'async',
            abs(random()) % 10000000, (abs(random()) % 30000) / 1000.0
     from t, r`,
    [
      now.getTime() - RAW_SPAN_MS,
      SAMPLE_EVERY_MS,
      SAMPLE_EVERY_MS,
      now.getTime(),
      REPLICAS,
      REGION,
    ],
  );
  await knex.raw(
    `insert into region_replication_rollups
       (region_ref, bucket, max_lag_bytes, max_lag_seconds)
     with recursive b(ms) as (select ? union all select ms + ? from b where ms + ? <= ?)
     select ?, ms, abs(random()) % 10000000, (abs(random()) % 60000) / 1000.0
     from b`,
    [
      rollupStart().getTime(),
      ROLLUP_BUCKET_MS,
      ROLLUP_BUCKET_MS,
      now.getTime(),
      REGION,
    ],
  );
  await knex.raw('analyze');
}

function rollupStart() {
  return new Date(
    Math.floor((now.getTime() - ROLLUP_SPAN_MS) / ROLLUP_BUCKET_MS) *
      ROLLUP_BUCKET_MS,
  );
}

async function measure(engine: string, knex: Knex, fill: () => Promise<void>) {
  const store = await ReplicationStore.create({
    database: databaseOf(knex),
    staleAfterMs: 30_000,
  });
  const started = performance.now();
  await fill();
  const [{ n }] = await knex('region_replication_samples').count({ n: '*' });
  console.log(
    `${engine}: filled ${Number(n).toLocaleString(
      'en',
    )} raw rows (${REPLICAS} replicas, 48 h of 10 s samples) and 35 days of rollups in ${(
      (performance.now() - started) /
      1000
    ).toFixed(1)} s`,
  );
  const server = await serveRouter(knex, store);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    for (const window of WINDOWS) {
      const url = `${base}/regions/default/${REGION_NAME}/replication?window=${window}`;
      let points = 0;
      const storeTimes = await time(async () => {
        points = (await store.getHistory(REGION, window, now)).length;
      });
      const httpTimes = await time(async () => {
        const response = await fetch(url);
        if (!response.ok) {
          throw new Error(`${url} answered ${response.status}`);
        }
        await response.json();
      });
      console.log(
        `${engine}  window=${window.padEnd(3)}  points=${String(
          points,
        ).padStart(3)}  store p50=${percentile(
          storeTimes,
          0.5,
        )} p95=${percentile(storeTimes, 0.95)}  http p50=${percentile(
          httpTimes,
          0.5,
        )} p95=${percentile(httpTimes, 0.95)} ms`,
      );
    }
  } finally {
    server.close();
  }
}

/**
 * The plugin's router over the filled database: the bench region in the
 * catalog snapshot, observed by a source (never asked to sample here), with
 * a latest sample of every replica.
 */
async function serveRouter(knex: Knex, store: ReplicationStore) {
  const regions = await DatabaseRegionsStore.create({
    database: databaseOf(knex),
  });
  const benchRegion = region(REGION_NAME, {
    type: 'global-hub',
    replication: { role: 'primary', mode: 'streaming', rpoSeconds: 60 },
  });
  await regions.replaceSnapshot({
    regions: [benchRegion],
    conflicts: [],
    syncedAt: now,
  });
  const replicas = Array.from({ length: REPLICAS }, (_, i) => ({
    name: `replica-${i + 1}`,
    state: 'streaming',
    syncState: 'async',
    lagBytes: 4096,
    lagSeconds: 1,
  }));
  await store.writeSample({
    regionRef: REGION,
    sampledAt: now,
    status: 'ok',
    reason: 'bench',
    source: 'bench',
    lagBytes: 4096,
    lagSeconds: 1,
    rows: replicas.map(({ name, ...row }) => ({ replica: name, ...row })),
    replicas,
    observedRole: 'primary',
  });
  const observesBenchRegion: ReplicationSource = {
    id: 'bench',
    observes: entity => entity.metadata.name === REGION_NAME,
    sample: () => Promise.reject(new Error('not sampled in the benchmark')),
  };
  const app = express().use(
    await createRouter({
      store: regions,
      replication: {
        store,
        collector: new ReplicationCollector({
          regions,
          store,
          sources: [observesBenchRegion],
          logger: silentLogger,
        }),
      },
      observedRoles: new ObservedRoles({
        nodes: new Map(),
        promotions: async () => [],
        landed: async () => [],
      }),
      // not on the replication route's path
      readiness: new ReadinessEvaluator({
        regions,
        store: await ReadinessStore.create({ database: databaseOf(knex) }),
        checks: [],
        settings: readReadinessSettings(new ConfigReader({}), []),
        logger: silentLogger,
      }),
      linkLatency: await LinkLatencyStore.create({
        database: databaseOf(knex),
      }),
    }),
  );
  return new Promise<ReturnType<typeof app.listen>>(resolve => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

onEachEngine((engine, knex) =>
  measure(engine, knex, () =>
    engine === 'postgres' ? fillPostgres(knex) : fillSqlite(knex),
  ),
).catch(error => {
  console.error(error);
  process.exitCode = 1;
});
