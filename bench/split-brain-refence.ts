/*
 * How long an old primary that comes back after an emergency failover takes
 * writes beside the new primary before Meridian fences it again.
 *
 * Each run: a PostgreSQL lab pair; the primary frozen (SIGSTOP of the
 * postmaster and every child, a stalled host); an emergency failover on the
 * operator's attestation promotes the standby; the old primary is thawed and
 * the application's role writes to it every 50 ms; the replication collector
 * ticks every `BENCH_TICK_S` seconds (10, the default frequency) with the
 * split-brain guard after each tick, its first tick at a random point of the
 * interval, as the scheduler's would be. Measured: thaw → the application's
 * first refused write; and how many of its writes the old primary took.
 *
 * The anchor, in the same output: Patroni's bound for the same situation, a
 * resumed leader that lost its leader lock demotes itself within one HA loop
 * (`loop_wait`, 10 s by default) — when it still runs Patroni at all.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/split-brain-refence.ts
 *
 * Environment: BENCH_RUNS (3), BENCH_TICK_S (10).
 */
import knexFactory from 'knex';
import { region } from '../plugins/regions-backend/src/__testUtils__/region';
import {
  applicationWrite,
  createFailoverStack,
  labDatabases,
} from '../plugins/regions-backend/src/failover/testing/failoverStack';
import { startPostgresPair } from '../plugins/regions-backend/src/testing/postgresLab';
import { silentLogger } from './lib';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TICK_MS = Number(process.env.BENCH_TICK_S ?? 10) * 1000;
const EAST = 'region:default/us-east';
const WEST = 'region:default/us-west';

async function once(): Promise<{ refencedMs: number; acceptedWrites: number }> {
  const pair = await startPostgresPair({ names: ['east', 'west'] });
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const stack = await createFailoverStack({
      knex,
      logger: silentLogger,
      regions: [
        region(
          'us-east',
          {},
          { annotations: { 'meridian.dev/database': 'east-db' } },
        ),
        region(
          'us-west',
          { replication: { role: 'warm-standby', source: EAST } },
          { annotations: { 'meridian.dev/database': 'west-db' } },
        ),
      ],
      config: {
        regions: {
          databases: labDatabases({
            'east-db': { node: pair.primary, region: EAST },
            'west-db': { node: pair.standby, region: WEST },
          }),
        },
      },
    });
    await applicationWrite(pair.primary);
    await pair.waitForCatchUp();
    await stack.collector.run();
    pair.freeze(pair.primary);
    const run = await stack.run({
      region: EAST,
      target: WEST,
      mode: 'failover',
      sourceFenced: 'bench: the host is said to be cut off',
    });
    if (run.status !== 'succeeded') {
      throw new Error(`failover ${run.status}: ${run.error}`);
    }

    pair.thaw(pair.primary);
    const thawed = Date.now();
    const tick = () => {
      stack.collector.run().catch(() => {});
      timer = setTimeout(tick, TICK_MS);
    };
    timer = setTimeout(tick, Math.random() * TICK_MS);
    let acceptedWrites = 0;
    for (;;) {
      const outcome = await applicationWrite(pair.primary, {
        connectTimeoutMs: 1000,
      });
      if (outcome === '28000') {
        break; // the application's role may no longer log in: fenced
      }
      if (outcome === 'committed') {
        acceptedWrites++;
      }
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    const refencedMs = Date.now() - thawed;
    await stack.close();
    return { refencedMs, acceptedWrites };
  } finally {
    clearTimeout(timer);
    await knex.destroy();
    await pair.stop();
  }
}

async function main() {
  const results = [];
  for (let i = 1; i <= RUNS; i++) {
    const result = await once();
    results.push(result);
    console.log(
      `run ${i}/${RUNS}: the old primary took ${result.acceptedWrites} application writes, refused them ${result.refencedMs} ms after it came back`,
    );
  }
  const times = results.map(r => r.refencedMs).sort((a, b) => a - b);
  console.log(
    `\nold primary back after an attested failover → fenced again (collector every ${
      TICK_MS / 1000
    } s)`,
  );
  console.log(
    `  Meridian: median ${times[Math.floor(times.length / 2)]} ms, max ${
      times[times.length - 1]
    } ms (target ≤ 45000 ms)`,
  );
  console.log(
    '  Patroni, for comparison: a resumed leader without the lock demotes within loop_wait (10000 ms by default)',
  );
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
