/*
 * One replication tick at scale: BENCH_REGIONS regions (default 1,000)
 * sampled by the real ReplicationCollector and PrometheusReplicationSource
 * from a simulated Prometheus on loopback that serves postgres_exporter series
 * of BENCH_NODES nodes (default 500: even ones primaries with one streaming
 * replica, odd ones standbys), every sample written to the store, on
 * PostgreSQL and on SQLite. Each query is answered after BENCH_QUERY_DELAY_MS
 * (default 2 ms, a loaded Prometheus' instant query). The tick must finish
 * within the collector's 10 s interval; it prints each of BENCH_TICKS ticks
 * (default 3, after one warm-up) and the worst.
 *
 * Run from the repository root:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/collectors-scale.ts
 *
 * Environment: BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432;
 * empty to skip), BENCH_REGIONS, BENCH_NODES, BENCH_QUERY_DELAY_MS, BENCH_TICKS.
 */
import { ConfigReader } from '@backstage/config';
import { fork } from 'node:child_process';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { region } from '../plugins/regions-backend/src/__testUtils__/region';
import { PrometheusReplicationSource } from '../plugins/regions-backend/src/collectors/replication/PrometheusReplicationSource';
import { ReplicationCollector } from '../plugins/regions-backend/src/collectors/replication/ReplicationCollector';
import { DatabaseRegionsStore } from '../plugins/regions-backend/src/database/DatabaseRegionsStore';
import { ReplicationStore } from '../plugins/regions-backend/src/database/ReplicationStore';
import { databaseOf, onEachEngine, silentLogger } from './lib';

const REGIONS = Number(process.env.BENCH_REGIONS ?? 1_000);
const NODES = Number(process.env.BENCH_NODES ?? 500);
const QUERY_DELAY_MS = Number(process.env.BENCH_QUERY_DELAY_MS ?? 2);
const TICKS = Number(process.env.BENCH_TICKS ?? 3);
const INTERVAL_MS = 10_000;

/** The series postgres_exporter would expose for one metric of node `n`. */
function seriesOf(metric: string, n: number): [object, string][] {
  const labels = { node: `node-${n}`, job: 'postgres' };
  const primary = n % 2 === 0;
  switch (metric) {
    case 'pg_up':
      return [[labels, '1']];
    case 'pg_replication_is_replica':
      return [[labels, primary ? '0' : '1']];
    case 'pg_stat_replication_pg_wal_lsn_diff':
      return primary
        ? [
            [
              {
                ...labels,
                application_name: `node_${n + 1}`,
                state: 'streaming',
                sync_state: 'async',
              },
              String(4096 * (n % 7)),
            ],
          ]
        : [];
    case 'pg_replication_lag_seconds':
      return primary ? [] : [[labels, '0.4']];
    default:
      return [];
  }
}

/**
 * The simulated Prometheus, run in a child process of this script (as a
 * real one would be its own process): answers instant queries from
 * `seriesOf`, and GET /count with the number of queries so far.
 */
async function servePrometheus() {
  let queries = 0;
  const server = http.createServer(async (req, res) => {
    if (req.method === 'GET' && req.url === '/count') {
      res.end(String(queries));
      return;
    }
    let body = '';
    for await (const chunk of req) {
      body += chunk;
    }
    queries += 1;
    const query = new URLSearchParams(body).get('query') ?? '';
    const metric = /^\w+/.exec(query)?.[0] ?? '';
    const node = Number(/node="node-(\d+)"/.exec(query)?.[1]);
    await new Promise(resolve => setTimeout(resolve, QUERY_DELAY_MS));
    // `metric{…}[300s]` asks for a range (the latest scrape with its time)
    const range = /\[\d+s\]$/.test(query);
    const now = Date.now() / 1000;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        status: 'success',
        data: {
          resultType: range ? 'matrix' : 'vector',
          result: seriesOf(metric, node).map(([labels, value]) => ({
            metric: { __name__: metric, ...labels },
            ...(range ? { values: [[now, value]] } : { value: [now, value] }),
          })),
        },
      }),
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  // the parent reads the port from the first line
  console.log((server.address() as AddressInfo).port);
}

async function simulatedPrometheus() {
  const child = fork(__filename, [], {
    env: { ...process.env, BENCH_ROLE: 'prometheus' },
    execArgv: process.execArgv,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', chunk => resolve(String(chunk).trim()));
    child.once('exit', code => reject(new Error(`Prometheus exited ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    queries: async () => Number(await (await fetch(`${url}/count`)).text()),
    close: () => child.kill('SIGKILL'),
  };
}

/** Region i watches node i % NODES; a standby node's region replicates from the primary's. */
function regions() {
  return Array.from({ length: REGIONS }, (_, i) => {
    const n = i % NODES;
    return region(
      `region-${i}`,
      {
        type: 'edge',
        replication:
          n % 2 === 0
            ? { role: 'primary' }
            : {
                role: 'warm-standby',
                source: `region:default/region-${i - 1}`,
              },
      },
      {
        annotations: {
          'meridian.dev/prometheus-selector': `{node="node-${n}"}`,
        },
      },
    );
  });
}

async function main() {
  console.log(
    `collectors-scale: one replication tick over ${REGIONS} regions, ${NODES} simulated nodes behind a loopback Prometheus (${QUERY_DELAY_MS} ms a query); interval ${
      INTERVAL_MS / 1000
    } s`,
  );
  const prometheus = await simulatedPrometheus();
  try {
    await onEachEngine(async (engine, knex) => {
      const regionsStore = await DatabaseRegionsStore.create({
        database: databaseOf(knex),
      });
      await regionsStore.replaceSnapshot({
        regions: regions(),
        conflicts: [],
        syncedAt: new Date(),
      });
      const store = await ReplicationStore.create({
        database: databaseOf(knex),
        staleAfterMs: 3 * INTERVAL_MS,
      });
      const source = PrometheusReplicationSource.fromConfig(
        new ConfigReader({
          regions: { prometheus: { baseUrl: prometheus.url } },
        }),
        { logger: silentLogger },
      )!;
      const collector = new ReplicationCollector({
        regions: regionsStore,
        store,
        sources: [source],
        logger: silentLogger,
      });
      await collector.run(); // warm-up: connections, plans
      const ticks: number[] = [];
      const queriesBefore = await prometheus.queries();
      for (let i = 0; i < TICKS; i++) {
        const started = performance.now();
        await collector.run();
        ticks.push(performance.now() - started);
      }
      const states = await store.getLatestStates();
      const byStatus = new Map<string, number>();
      const byReason = new Map<string, number>();
      for (const state of states.values()) {
        byStatus.set(state.status, (byStatus.get(state.status) ?? 0) + 1);
        const reason = state.reason.replace(/\d+/g, 'N');
        byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
      }
      const [commonReason, commonCount] = [...byReason].sort(
        (a, b) => b[1] - a[1],
      )[0];
      const worst = Math.max(...ticks);
      console.log(
        `${engine.padEnd(8)} ticks ${ticks
          .map(t => `${(t / 1000).toFixed(2)} s`)
          .join(', ')}; worst ${(worst / 1000).toFixed(2)} s = ${(
          (worst / INTERVAL_MS) *
          100
        ).toFixed(0)} % of the interval; ${Math.round(
          ((await prometheus.queries()) - queriesBefore) / TICKS,
        )} queries a tick; latest states ${JSON.stringify(
          Object.fromEntries(byStatus),
        )}; most common reason (${commonCount}): ${commonReason}`,
      );
    });
  } finally {
    prometheus.close();
  }
  // figures taken on a busy machine say so
  console.log(`load average at the end: ${loadavg()[0].toFixed(1)}`);
}

(process.env.BENCH_ROLE === 'prometheus' ? servePrometheus() : main()).then(
  () => process.env.BENCH_ROLE === 'prometheus' || process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
