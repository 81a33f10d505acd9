/*
 * Measures the health probes at scale, on PostgreSQL and on SQLite:
 *
 * - `round`: one round of the probe collector over 1,000 HTTP endpoints on
 *   loopback (1,000 servers in a child process, so they do not share the
 *   collector's event loop), checks and their recording included, against
 *   the 5 s interval the probes run at, with the CPU time the collector's
 *   process spent (the wall time includes waiting for a loaded machine).
 *   Several rounds, each when every probe is due.
 * - `GET …/health`: the health route of a region with 10 probes over 30 days
 *   of history (what the default retention keeps of checks every 5 s),
 *   through the route on a local HTTP server; p50 and p95 per window.
 *
 * Run from the repository root:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/probe-round.ts
 *
 * Environment: BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432;
 * empty to skip), BENCH_PROBES (1000), BENCH_ROUNDS (5), BENCH_RUNS (50).
 */
import { spawn } from 'node:child_process';
import { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ConfigReader } from '@backstage/config';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { ReplicationWindow } from '@meridian/plugin-regions-common';
import express from 'express';
import { Knex } from 'knex';
import { region } from '../plugins/regions-backend/src/__testUtils__/region';
import { RegionAlerts } from '../plugins/regions-backend/src/alerts/RegionAlerts';
import { readProbesConfig } from '../plugins/regions-backend/src/collectors/probes/config';
import { ProbeCollector } from '../plugins/regions-backend/src/collectors/probes/ProbeCollector';
import { RegionHealth } from '../plugins/regions-backend/src/collectors/probes/RegionHealth';
import { AlertStateStore } from '../plugins/regions-backend/src/database/AlertStateStore';
import { DatabaseRegionsStore } from '../plugins/regions-backend/src/database/DatabaseRegionsStore';
import { ProbeStore } from '../plugins/regions-backend/src/database/ProbeStore';
import { createHealthRouter } from '../plugins/regions-backend/src/service/healthRouter';
import {
  databaseOf,
  onEachEngine,
  percentile,
  RUNS,
  silentLogger,
  time,
} from './lib';

const PROBES = Number(process.env.BENCH_PROBES ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const INTERVAL_MS = 5_000;
const PROBES_PER_REGION = 10;
const WINDOWS: ReplicationWindow[] = ['1h', '24h', '7d', '30d'];
const HISTORY_DAYS = 30;
const RAW_HOURS = 2;
const HOUR = 3_600_000;
const FIVE_MINUTES = 300_000;

const SERVERS = `
const http = require('node:http');
const ports = [];
let pending = ${PROBES};
for (let i = 0; i < ${PROBES}; i++) {
  const server = http.createServer((req, res) => res.end('ok'));
  server.listen(0, '127.0.0.1', () => {
    ports[i] = server.address().port;
    if (--pending === 0) console.log(JSON.stringify(ports));
  });
}
`;

/** 1,000 HTTP servers in a child process; their ports and a stop. */
async function startEndpoints() {
  const child = spawn(process.execPath, ['-e', SERVERS], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const ports = await new Promise<number[]>((resolve, reject) => {
    child.once('exit', code => reject(new Error(`servers exited ${code}`)));
    child.stdout!.on('data', chunk => {
      out += chunk;
      if (out.endsWith('\n')) resolve(JSON.parse(out));
    });
  });
  return { ports, stop: () => child.kill('SIGKILL') };
}

const regionName = (i: number) => `bench-${Math.floor(i / PROBES_PER_REGION)}`;

function probesConfig(ports: number[]) {
  return Object.fromEntries(
    ports.map((port, i) => [
      `probe-${i}`,
      {
        url: `http://127.0.0.1:${port}/healthz`,
        region: `region:default/${regionName(i)}`,
        interval: { milliseconds: INTERVAL_MS },
      },
    ]),
  );
}

async function measureRounds(engine: string, collector: ProbeCollector) {
  const durations: number[] = [];
  const cpuTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const checks = await collector.run();
    const took = performance.now() - started;
    const used = process.cpuUsage(cpu);
    durations.push(took);
    cpuTimes.push((used.user + used.system) / 1000);
    const failed = checks.filter(check => !check.ok).length;
    console.log(
      `${engine}  round ${round + 1}: ${
        checks.length
      } checks (${failed} failed) in ${took.toFixed(0)} ms, ${cpuTimes[
        round
      ].toFixed(0)} ms of CPU`,
    );
    // every probe is due again half a tick after its check
    await new Promise(r => setTimeout(r, INTERVAL_MS / 2 + 100));
  }
  const sorted = [...durations].sort((a, b) => a - b);
  const cpuSorted = [...cpuTimes].sort((a, b) => a - b);
  console.log(
    `${engine}  round of ${PROBES} probes: wall p50=${percentile(
      sorted,
      0.5,
    )} max=${sorted[sorted.length - 1].toFixed(1)} ms, CPU p50=${percentile(
      cpuSorted,
      0.5,
    )} ms (interval ${INTERVAL_MS} ms)`,
  );
}

/**
 * What the default retention leaves of the first region's probes: 2 hours of
 * raw checks, 2 days of 5-minute rollups and 30 days of hourly ones.
 */
async function fillHistory(engine: string, knex: Knex, now: Date) {
  const probes = Array.from(
    { length: PROBES_PER_REGION },
    (_, i) => `probe-${i}`,
  );
  const rollups = [];
  const raw = [];
  for (const probe of probes) {
    for (const [widthMs, days] of [
      [FIVE_MINUTES, 2],
      [HOUR, HISTORY_DAYS],
    ]) {
      const last = Math.floor(now.getTime() / widthMs);
      const checksPerBucket = widthMs / INTERVAL_MS;
      for (let b = 1; b <= (days * 24 * HOUR) / widthMs; b++) {
        rollups.push({
          probe,
          width_ms: widthMs,
          bucket: new Date((last - b) * widthMs),
          checks: checksPerBucket,
          failures: b % 97 === 0 ? 3 : 0,
          latency_sum_ms: checksPerBucket * (2 + (b % 7)),
          max_latency_ms: 20 + (b % 13),
        });
      }
    }
    for (let c = 1; c <= (RAW_HOURS * HOUR) / INTERVAL_MS; c++) {
      raw.push({
        probe,
        checked_at: new Date(now.getTime() - c * INTERVAL_MS),
        ok: c % 50 !== 0,
        latency_ms: c % 50 !== 0 ? 2 + (c % 5) : null,
      });
    }
  }
  const started = performance.now();
  // the rounds above stored checks and rollups of these probes: replace them
  await knex('region_probe_rollups').whereIn('probe', probes).delete();
  await knex('region_probe_checks').whereIn('probe', probes).delete();
  await knex.batchInsert('region_probe_rollups', rollups, 500);
  await knex.batchInsert('region_probe_checks', raw, 500);
  await knex.raw('analyze');
  console.log(
    `${engine}: filled ${rollups.length.toLocaleString(
      'en',
    )} rollups (${PROBES_PER_REGION} probes: 2 days of 5-minute, ${HISTORY_DAYS} days of hourly) and ${raw.length.toLocaleString(
      'en',
    )} raw checks in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

async function measure(engine: string, knex: Knex, ports: number[]) {
  const database = databaseOf(knex);
  const probes = readProbesConfig(
    new ConfigReader({ regions: { probes: probesConfig(ports) } }),
  );
  const store = await ProbeStore.create({ database });
  const notifications: NotificationService = { send: async () => {} };
  const collector = new ProbeCollector({
    probes,
    store,
    alerts: new RegionAlerts({
      states: await AlertStateStore.create({ database }),
      notifications,
      logger: silentLogger,
    }),
    logger: silentLogger,
  });
  await measureRounds(engine, collector);

  await fillHistory(engine, knex, new Date());
  const regions = await DatabaseRegionsStore.create({ database });
  await regions.replaceSnapshot({
    regions: Array.from({ length: PROBES / PROBES_PER_REGION }, (_, i) =>
      region(`bench-${i}`),
    ),
    conflicts: [],
    syncedAt: new Date(),
  });
  const app = express().use(
    createHealthRouter({
      regions,
      health: new RegionHealth({ probes, store }),
    }),
  );
  const server = await new Promise<ReturnType<typeof app.listen>>(resolve => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    for (const window of WINDOWS) {
      const url = `${base}/regions/default/bench-0/health?window=${window}`;
      let points = 0;
      const cpu = process.cpuUsage();
      const times = await time(async () => {
        const response = await fetch(url);
        if (!response.ok) {
          throw new Error(`${url} answered ${response.status}`);
        }
        const body = await response.json();
        points = body.series[0].points.length;
      });
      const used = process.cpuUsage(cpu);
      // the route's own process (and SQLite in it); PostgreSQL's server apart
      const cpuPerRequest = (used.user + used.system) / 1000 / (RUNS + 1);
      console.log(
        `${engine}  GET /regions/default/bench-0/health?window=${window.padEnd(
          3,
        )}  ${PROBES_PER_REGION} probes x ${String(points).padStart(
          3,
        )} points  p50=${percentile(times, 0.5)} p95=${percentile(
          times,
          0.95,
        )} ms, CPU ${cpuPerRequest.toFixed(1)} ms a request`,
      );
    }
  } finally {
    server.close();
  }
}

async function main() {
  const endpoints = await startEndpoints();
  try {
    await onEachEngine((engine, knex) =>
      measure(engine, knex, endpoints.ports),
    );
  } finally {
    endpoints.stop();
  }
  // figures taken on a busy machine say so
  console.log(`load average at the end: ${loadavg()[0].toFixed(1)}`);
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
