/*
 * Measures a switchover's RTO (write unavailability) through Meridian next to
 * the raw floor of the same promotion done by hand, in the same run, on fresh
 * PostgreSQL lab pairs (primary + streaming standby on loopback).
 *
 * - floor: CHECKPOINT on the primary, `pg_ctl stop -m fast` of it,
 *   `pg_promote()` on the standby, first committed write on the standby;
 * - Meridian: POST /failovers { mode: switchover } over HTTP to the failover
 *   router → orchestrator → postgres promoter (fence, wait for replay,
 *   promote) → powerdns traffic switch (a real PowerDNS on loopback, whose
 *   record is then asked over DNS) → verify; the run's own rtoMs (fence →
 *   first write on the new primary, after the switch), and the wall time from
 *   the POST to the finished run.
 *
 * Run from the repository root:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/failover-rto.ts
 *
 * Environment: BENCH_RUNS (5), the number of pairs per side.
 */
import { Resolver } from 'node:dns/promises';
import { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { FailoverRun } from '@meridian/plugin-regions-common';
import express from 'express';
import knexFactory from 'knex';
import { Client } from 'pg';
import { region } from '../plugins/regions-backend/src/__testUtils__/region';
import {
  createFailoverStack,
  labDatabases,
} from '../plugins/regions-backend/src/failover/testing/failoverStack';
import { builtInTrafficSwitchFactories } from '../plugins/regions-backend/src/failover/traffic';
import { createFailoverRouter } from '../plugins/regions-backend/src/service/failoverRouter';
import {
  PostgresPair,
  startPostgresPair,
} from '../plugins/regions-backend/src/testing/postgresLab';
import {
  PowerDnsLab,
  startPowerDns,
} from '../plugins/regions-backend/src/testing/powerDnsLab';
import { silentLogger } from './lib';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** A zone per run, so each starts with the record on the primary's address. */
const zoneOf = (run: number) => `run-${run}.meridian.test.`;
const recordOf = (run: number) => `api.${zoneOf(run)}`;
const EAST = 'region:default/us-east';
const WEST = 'region:default/us-west';
const ADDRESSES = { [EAST]: '10.48.0.10', [WEST]: '10.49.0.10' };

const usEast = region(
  'us-east',
  { type: 'global-hub', replication: { role: 'primary', mode: 'streaming' } },
  {
    annotations: {
      'meridian.dev/database': 'us-east-db',
      'meridian.dev/traffic': 'api-dns',
    },
  },
);
const usWest = region(
  'us-west',
  {
    type: 'global-hub',
    replication: {
      role: 'warm-standby',
      mode: 'streaming',
      source: 'region:default/us-east',
    },
  },
  { annotations: { 'meridian.dev/database': 'us-west-db' } },
);

/** One committed write on a fresh connection, as a client reconnecting would do. */
async function write(connectionString: string) {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    await client.query('INSERT INTO bench_writes DEFAULT VALUES');
  } finally {
    await client.end();
  }
}

async function preparedPair(): Promise<PostgresPair> {
  const pair = await startPostgresPair({ names: ['east', 'west'] });
  await pair.query(
    pair.primary,
    'CREATE TABLE bench_writes (id serial PRIMARY KEY, at timestamptz DEFAULT now())',
  );
  await pair.waitForCatchUp();
  return pair;
}

async function floorRun(): Promise<number> {
  const pair = await preparedPair();
  try {
    const started = performance.now();
    await pair.query(pair.primary, 'CHECKPOINT');
    await pair.stopNode(pair.primary, 'fast');
    await pair.query(pair.standby, 'SELECT pg_promote()');
    await write(pair.standby.superuserConnectionString);
    return performance.now() - started;
  } finally {
    await pair.stop();
  }
}

/** What the lab's PowerDNS answers for the switched record, over DNS. */
async function resolveRecord(
  dns: PowerDnsLab,
  record: string,
): Promise<string[]> {
  const resolver = new Resolver();
  resolver.setServers([`127.0.0.1:${dns.dnsPort}`]);
  return resolver.resolve4(record);
}

async function meridianRun(
  dns: PowerDnsLab,
  run: number,
): Promise<{ rtoMs: number; wallMs: number }> {
  await dns.createZone(zoneOf(run), [
    { name: recordOf(run), type: 'A', content: ADDRESSES[EAST], ttl: 5 },
  ]);
  const pair = await preparedPair();
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  let server: ReturnType<express.Express['listen']> | undefined;
  try {
    const { orchestrator, store, regionsStore } = await createFailoverStack({
      knex,
      regions: [usEast, usWest],
      trafficFactories: builtInTrafficSwitchFactories,
      logger: silentLogger,
      config: {
        regions: {
          databases: labDatabases({
            'us-east-db': { node: pair.primary, region: EAST },
            'us-west-db': { node: pair.standby, region: WEST },
          }),
          traffic: {
            'api-dns': {
              driver: 'powerdns',
              url: dns.apiUrl,
              apiKey: dns.apiKey,
              zone: zoneOf(run),
              record: recordOf(run),
              ttl: 5,
              addresses: ADDRESSES,
            },
          },
        },
      },
    });
    // Backstage's auth, permission and audit services are outside what is measured.
    const httpAuth = {
      credentials: async () => ({
        $$type: '@backstage/BackstageCredentials',
        principal: { type: 'user', userEntityRef: 'user:default/bench' },
      }),
    } as unknown as HttpAuthService;
    const permissions = {
      authorize: async (requests: unknown[]) =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
      authorizeConditional: async (requests: unknown[]) =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    } as unknown as PermissionsService;
    const auditor: AuditorService = {
      createEvent: async () => ({
        success: async () => {},
        fail: async () => {},
      }),
    };
    const app = express();
    app.use(
      await createFailoverRouter({
        orchestrator,
        store,
        regions: regionsStore,
        httpAuth,
        permissions,
        auditor,
      }),
    );
    const listening = app.listen(0, '127.0.0.1');
    server = listening;
    await new Promise(resolve => listening.once('listening', resolve));
    const base = `http://127.0.0.1:${
      (listening.address() as AddressInfo).port
    }`;

    const started = performance.now();
    const res = await fetch(`${base}/failovers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        region: 'region:default/us-east',
        target: 'region:default/us-west',
        mode: 'switchover',
      }),
    });
    const { id } = (await res.json()) as { id: string };
    let finished: FailoverRun;
    for (;;) {
      finished = (await (
        await fetch(`${base}/failovers/${id}`)
      ).json()) as FailoverRun;
      if (!['pending', 'running'].includes(finished.status)) {
        break;
      }
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    const wallMs = performance.now() - started;
    if (finished.status !== 'succeeded' || finished.rtoMs === null) {
      throw new Error(`switchover ${finished.status}: ${finished.error}`);
    }
    const answer = await resolveRecord(dns, recordOf(run));
    if (answer.join() !== ADDRESSES[WEST]) {
      throw new Error(
        `${recordOf(run)} answers ${answer.join()} after the switchover`,
      );
    }
    return { rtoMs: finished.rtoMs, wallMs };
  } finally {
    server?.close();
    await knex.destroy();
    await pair.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const ms = (value: number) => `${value.toFixed(0)} ms`;

async function main() {
  const dns = await startPowerDns();
  try {
    await measure(dns);
  } finally {
    await dns.stop();
  }
}

async function measure(dns: PowerDnsLab) {
  const floor: number[] = [];
  const rto: number[] = [];
  const wall: number[] = [];
  // Alternated so that both sides see the same machine load.
  for (let i = 0; i < RUNS; i++) {
    floor.push(await floorRun());
    const meridian = await meridianRun(dns, i);
    rto.push(meridian.rtoMs);
    wall.push(meridian.wallMs);
    console.log(
      `run ${i + 1}/${RUNS}: floor ${ms(floor[i])}, Meridian RTO ${ms(
        meridian.rtoMs,
      )} (POST → finished run ${ms(meridian.wallMs)})`,
    );
  }
  const floorMedian = median(floor);
  const rtoMedian = median(rto);
  console.log(`
switchover RTO, median of ${RUNS} (min–max)
  raw floor (checkpoint, stop -m fast, pg_promote, first write): ${ms(
    floorMedian,
  )} (${ms(Math.min(...floor))}–${ms(Math.max(...floor))})
  Meridian (fence → first write on the new primary):             ${ms(
    rtoMedian,
  )} (${ms(Math.min(...rto))}–${ms(Math.max(...rto))})
  Meridian, POST → run finished (pre-flight, verify, record too): ${ms(
    median(wall),
  )}
  ratio Meridian / floor: ${(rtoMedian / floorMedian).toFixed(
    2,
  )} (target ≤ 2, and ≤ 1000 ms)`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
