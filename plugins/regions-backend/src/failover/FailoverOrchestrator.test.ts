import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { RegionEntity } from '@meridian/plugin-regions-common';
import { Client } from 'pg';
import { region } from '../__testUtils__/region';
import { PostgresReplicationSource } from '../collectors/replication/PostgresReplicationSource';
import { ReplicationCollector } from '../collectors/replication/ReplicationCollector';
import { DatabaseRegionsStore } from '../database/DatabaseRegionsStore';
import { FailoverStore } from '../database/FailoverStore';
import { ReplicationStore } from '../database/ReplicationStore';
import {
  PostgresLabNode,
  PostgresPair,
  startPostgresPair,
} from '../testing/postgresLab';
import { readFailoverConfig } from './config';
import { FailoverOrchestrator } from './FailoverOrchestrator';
import { PostgresPromoter } from './promoters/PostgresPromoter';
import { memoryTrafficSwitchFactory } from './testing/memoryTrafficSwitch';
import { TrafficSwitchRegistry } from './TrafficSwitchRegistry';

jest.setTimeout(120_000);

const EAST = 'region:default/us-east';
const WEST = 'region:default/us-west';
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

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** An orchestrator over a lab pair: us-east on its primary, us-west on its standby. */
async function setUp(
  pair: PostgresPair,
  regions: RegionEntity[] = [usEast, usWest],
) {
  const knex = await databases.init('SQLITE_3');
  const db = { getClient: async () => knex };
  const config = new ConfigReader({
    regions: {
      databases: {
        'us-east-db': { connection: pair.primary.superuserConnectionString },
        'us-west-db': { connection: pair.standby.superuserConnectionString },
      },
      traffic: {
        'api-dns': {
          driver: 'memory',
          addresses: { 'us-east': '10.48.0.10', 'us-west': '10.49.0.10' },
        },
      },
    },
  });
  const regionsStore = await DatabaseRegionsStore.create({ database: db });
  await regionsStore.replaceSnapshot({
    regions,
    conflicts: [],
    syncedAt: new Date(),
  });
  const replicationStore = await ReplicationStore.create({
    database: db,
    staleAfterMs: 30_000,
  });
  const logger = mockServices.logger.mock();
  const source = PostgresReplicationSource.fromConfig(config, { logger });
  const collector = new ReplicationCollector({
    regions: regionsStore,
    store: replicationStore,
    sources: [source],
    logger,
  });
  const traffic = memoryTrafficSwitchFactory(
    new Map([['api-dns', ['10.48.0.10']]]),
  );
  const store = await FailoverStore.create({ database: db });
  const orchestrator = new FailoverOrchestrator({
    store,
    regions: regionsStore,
    promoters: [new PostgresPromoter()],
    traffic: TrafficSwitchRegistry.fromConfig(config, [traffic]),
    config: readFailoverConfig(config),
    replication: replicationStore,
    logger,
  });
  return {
    orchestrator,
    store,
    traffic,
    collect: () => collector.run(),
    close: () => source.close(),
    run: async (
      mode: 'drill' | 'switchover' | 'failover',
      extra: { force?: boolean } = {},
    ) => {
      const started = await orchestrator.start(
        {
          region: EAST,
          target: WEST,
          mode,
          dryRun: false,
          force: extra.force ?? false,
        },
        'user:default/priya.nair',
      );
      return (await orchestrator.whenFinished(started.id))!;
    },
  };
}

async function isInRecovery(pair: PostgresPair, node: PostgresLabNode) {
  const [row] = await pair.query<{ r: boolean }>(
    node,
    'SELECT pg_is_in_recovery() AS r',
  );
  return row.r;
}

/** Tries a write in a default transaction; the error code when it is refused. */
async function tryWrite(node: PostgresLabNode): Promise<string> {
  const client = new Client({
    connectionString: node.superuserConnectionString,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('CREATE TABLE IF NOT EXISTS writes_probe (x int)');
    await client.query('INSERT INTO writes_probe VALUES (1)');
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Inserts sequential ids, one autocommitted transaction each, into `ledger`
 * on whichever node takes writes, and records every id whose commit was
 * acknowledged.
 */
function startLedgerWriter(nodes: PostgresLabNode[]) {
  const acknowledged: number[] = [];
  let stopped = false;
  let nextId = 1;
  let failures = 0;
  const done = (async () => {
    let client: Client | undefined;
    let at = 0;
    while (!stopped) {
      try {
        if (!client) {
          client = new Client({
            connectionString: nodes[at].superuserConnectionString,
            connectionTimeoutMillis: 1000,
          });
          client.on('error', () => {});
          await client.connect();
        }
        const id = nextId++;
        await client.query('INSERT INTO ledger (id) VALUES ($1)', [id]);
        acknowledged.push(id);
      } catch {
        failures++;
        await client?.end().catch(() => {});
        client = undefined;
        at = (at + 1) % nodes.length; // try the other node
        await new Promise(resolve => setTimeout(resolve, 5));
      }
    }
    await client?.end().catch(() => {});
  })();
  return {
    acknowledged,
    failures: () => failures,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

describe('FailoverOrchestrator on a real PostgreSQL pair', () => {
  describe('without changing anything', () => {
    let pair: PostgresPair;
    let env: Awaited<ReturnType<typeof setUp>>;
    beforeAll(async () => {
      pair = await startPostgresPair({ names: ['east', 'west'] });
      env = await setUp(pair);
    });
    afterAll(async () => {
      await env?.close();
      await pair?.stop();
    });

    it('runs a drill: every pre-flight check, and changes nothing', async () => {
      const run = await env.run('drill');

      expect(run.status).toBe('succeeded');
      expect(run.preflight.map(c => [c.id, c.passed])).toEqual([
        ['exclusive', true],
        ['replica-of', true],
        ['source-node', true],
        ['target-node', true],
        ['target-healthy', true],
        ['source-primary', true],
        ['lag', true],
        ['traffic', true],
        ['readiness', true],
      ]);
      expect(run.preflight.find(c => c.id === 'traffic')!.detail).toBe(
        'api-dns (memory) → 10.49.0.10',
      );
      expect(run.steps.map(s => s.status)).toEqual([
        'succeeded',
        'skipped',
        'skipped',
        'skipped',
        'skipped',
        'skipped',
      ]);
      expect(run.rtoMs).toBeNull();
      expect(await isInRecovery(pair, pair.standby)).toBe(true);
      expect(await tryWrite(pair.primary)).toBe('ok');
      expect(env.traffic.pointsAt.get('api-dns')).toEqual(['10.48.0.10']);
      // no connection string or password in what the run recorded
      expect(JSON.stringify(run)).not.toContain(
        new URL(pair.primary.superuserConnectionString).password,
      );
    });

    it('refuses a second run while one holds the region', async () => {
      const request = {
        region: EAST,
        target: WEST,
        mode: 'drill' as const,
        dryRun: false,
        force: false,
      };
      const results = await Promise.allSettled([
        env.orchestrator.start(request, 'user:default/a'),
        env.orchestrator.start(request, 'user:default/b'),
      ]);

      const refused = results.filter(r => r.status === 'rejected');
      expect(refused).toHaveLength(1);
      expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({
        name: 'ConflictError',
        message: expect.stringMatching(
          /^failover run .+ is in progress for region:default\/us-/,
        ),
      });
      const started = results.find(
        r => r.status === 'fulfilled',
      ) as PromiseFulfilledResult<{ id: string }>;
      expect(
        (await env.orchestrator.whenFinished(started.value.id))!.status,
      ).toBe('succeeded');
      // released when it ended
      const next = await env.orchestrator.start(request, 'user:default/b');
      expect((await env.orchestrator.whenFinished(next.id))!.status).toBe(
        'succeeded',
      );
    });

    it('refuses a switchover when the standby lags beyond the limit, changing nothing', async () => {
      await pair.pauseReplay(pair.standby);
      try {
        await pair.query(
          pair.primary,
          `CREATE TABLE filler AS SELECT repeat('x', 1000) AS pad FROM generate_series(1, 3000)`,
        );
        const run = await env.run('switchover');

        expect(run.status).toBe('refused');
        const lag = run.preflight.find(c => c.id === 'lag')!;
        expect(lag).toMatchObject({ passed: false, forcible: true });
        expect(lag.detail).toMatch(
          /^us-west-db replayed up to \S+, \d+\.\d MiB behind us-east-db at \S+ \(limit 1\.0 MiB\)$/,
        );
        expect(run.error).toMatch(
          /^refused, nothing changed: Target lag within the limit: .* \(force overrides it\)$/,
        );
        expect(run.steps.slice(1).every(s => s.status === 'skipped')).toBe(
          true,
        );
        expect(await isInRecovery(pair, pair.standby)).toBe(true);
        expect(await tryWrite(pair.primary)).toBe('ok');
      } finally {
        await pair.resumeReplay(pair.standby);
      }
    });

    it('refuses a target that is not a replica of the region, even with force', async () => {
      const run = await env.orchestrator.whenFinished(
        (
          await env.orchestrator.start(
            {
              region: WEST,
              target: EAST,
              mode: 'switchover',
              dryRun: false,
              force: true,
            },
            'user:default/a',
          )
        ).id,
      );
      expect(run!.status).toBe('refused');
      expect(run!.error).toContain(
        'Target is a replica of the region: region:default/us-east declares no spec.replication.source',
      );
      expect(await isInRecovery(pair, pair.standby)).toBe(true);
    });
  });

  it('switches over under write load losing no acknowledged commit', async () => {
    const pair = await startPostgresPair({ names: ['east', 'west'] });
    const env = await setUp(pair);
    try {
      await pair.query(
        pair.primary,
        'CREATE TABLE ledger (id int PRIMARY KEY)',
      );
      await pair.waitForCatchUp();
      const load = pair
        .runWriteLoad({ node: pair.primary, seconds: 4, clients: 2 })
        .catch(() => 'pgbench was disconnected by the fence');
      const writer = startLedgerWriter([pair.primary, pair.standby]);
      await new Promise(resolve => setTimeout(resolve, 1500));

      const run = await env.run('switchover');
      await new Promise(resolve => setTimeout(resolve, 500));
      await writer.stop();
      await load;

      expect(run.error).toBeUndefined();
      expect(run.status).toBe('succeeded');
      expect(run.steps.map(s => [s.id, s.status])).toEqual([
        ['preflight', 'succeeded'],
        ['fence', 'succeeded'],
        ['promote', 'succeeded'],
        ['switch-traffic', 'succeeded'],
        ['verify', 'succeeded'],
        ['record', 'succeeded'],
      ]);
      expect(run.dataLossBytes).toBe(0);
      expect(run.rtoMs).toBeGreaterThan(0);
      expect(run.rtoMs).toBeLessThan(10_000);
      expect(run.steps[1].log.map(l => l.message)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^us-east-db: fenced; last WAL position /),
        ]),
      );
      // writes went on during the run, and every acknowledged one is on the new primary
      expect(writer.acknowledged.length).toBeGreaterThan(50);
      const [{ count }] = await pair.query<{ count: string }>(
        pair.standby,
        'SELECT count(*) FROM ledger WHERE id = ANY($1::int[])',
        [writer.acknowledged],
      );
      expect(Number(count)).toBe(writer.acknowledged.length);
      // some were acknowledged by the new primary after the switch
      const [{ max }] = await pair.query<{ max: number }>(
        pair.standby,
        'SELECT max(id) AS max FROM ledger',
      );
      expect(max).toBe(Math.max(...writer.acknowledged));
      expect(await isInRecovery(pair, pair.standby)).toBe(false);
      expect(await tryWrite(pair.standby)).toBe('ok');
      expect(await tryWrite(pair.primary)).toBe('25006'); // read-only: fenced
      expect(env.traffic.pointsAt.get('api-dns')).toEqual(['10.49.0.10']);
    } finally {
      await env.close();
      await pair.stop();
    }
  });

  it('fails over after the primary crashed, recording the estimated data loss', async () => {
    const pair = await startPostgresPair({ names: ['east', 'west'] });
    const env = await setUp(pair);
    try {
      await pair.query(
        pair.primary,
        'CREATE TABLE orders AS SELECT g AS id FROM generate_series(1, 1000) g',
      );
      await pair.waitForCatchUp();
      await env.collect(); // the replication sample the estimate comes from
      await pair.stopNode(pair.primary, 'immediate');

      const run = await env.run('failover');

      expect(run.error).toBeUndefined();
      expect(run.status).toBe('succeeded');
      expect(
        run.preflight.find(c => c.id === 'source-primary')!.detail,
      ).toMatch(
        /^us-east-db does not answer \(cannot inspect us-east-db: connection refused\): an emergency failover proceeds without it$/,
      );
      expect(run.preflight.find(c => c.id === 'lag')!).toMatchObject({
        passed: true,
        detail: expect.stringContaining('recorded as the data-loss estimate'),
      });
      expect(run.steps.map(s => s.status)).toEqual([
        'succeeded',
        'skipped',
        'succeeded',
        'succeeded',
        'succeeded',
        'succeeded',
      ]);
      // caught up when sampled: at most the WAL of a few background records
      expect(run.dataLossBytes).toBeGreaterThanOrEqual(0);
      expect(run.dataLossBytes).toBeLessThan(64 * 1024);
      expect(run.rtoMs).toBeGreaterThan(0);
      expect(run.steps[4].log.map(l => l.message)).toContain(
        'us-east-db: does not answer (connection refused): fenced',
      );
      const [{ count }] = await pair.query<{ count: string }>(
        pair.standby,
        'SELECT count(*) FROM orders',
      );
      expect(Number(count)).toBe(1000);
      expect(await tryWrite(pair.standby)).toBe('ok');
    } finally {
      await env.close();
      await pair.stop();
    }
  });
});
