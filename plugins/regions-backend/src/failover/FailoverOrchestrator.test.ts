import { TestDatabases } from '@backstage/backend-test-utils';
import { Client } from 'pg';
import {
  usEastWestPair,
  US_EAST as EAST,
  US_WEST as WEST,
} from '../__testUtils__/region';
import { eastWestDatabases } from '../__testUtils__/labPair';
import {
  PostgresLabNode,
  PostgresPair,
  startPostgresPair,
} from '../testing/postgresLab';
import {
  applicationWrite,
  createFailoverStack,
  inRecovery,
} from './testing/failoverStack';

jest.setTimeout(120_000);

const [usEast, usWest] = usEastWestPair({
  type: 'global-hub',
  eastAnnotations: { 'meridian.dev/traffic': 'api-dns' },
});

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** The failover stack over a lab pair: us-east on its primary, us-west on its standby. */
async function setUp(pair: PostgresPair) {
  return createFailoverStack({
    knex: await databases.init('SQLITE_3'),
    regions: [usEast, usWest],
    pointsAt: new Map([['api-dns', ['10.48.0.10']]]),
    config: {
      regions: {
        databases: eastWestDatabases(pair),
        traffic: {
          'api-dns': {
            driver: 'memory',
            addresses: { [EAST]: '10.48.0.10', [WEST]: '10.49.0.10' },
          },
        },
      },
    },
  });
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
      const run = await env.run({ region: EAST, target: WEST, mode: 'drill' });

      expect(run.status).toBe('succeeded');
      expect(run.preflight.map(c => [c.id, c.passed])).toEqual([
        ['exclusive', true],
        ['source-database', true],
        ['target-database', true],
        ['promoters', true],
        ['target-healthy', true],
        ['source-primary', true],
        ['topology', true],
        ['lag', true],
        ['fence', true],
        ['traffic', true],
        ['readiness', true],
      ]);
      const detail = (id: string) =>
        run.preflight.find(c => c.id === id)!.detail;
      expect(detail('traffic')).toBe('api-dns (memory) → 10.49.0.10');
      expect(detail('topology')).toMatch(
        /^same system identifier \d+, timeline 1; us-west-db streams from us-east-db$/,
      );
      expect(detail('fence')).toBe(
        'us-east-db answers: the sql fencer fences it and the fence is verified before the promotion',
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
      expect(await inRecovery(pair.standby)).toBe(true);
      expect(await applicationWrite(pair.primary)).toBe('committed');
      expect(env.pointsAt.get('api-dns')).toEqual(['10.48.0.10']);
      // no connection string or password in what the run recorded
      expect(JSON.stringify(run)).not.toContain(
        new URL(pair.primary.superuserConnectionString).password,
      );
    });

    it('refuses a second run while one holds the region or its database', async () => {
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
          /^failover run .+ is in progress for (region:default\/us-|database:us-)/,
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

    it('refuses a failover to a standby that has not received the last MiBs, changing nothing', async () => {
      // Cut the standby off its primary: its WAL receiver stops.
      const [{ conninfo }] = await pair.query<{ conninfo: string }>(
        pair.standby,
        'SELECT current_setting($1) AS conninfo',
        ['primary_conninfo'],
      );
      const setConninfo = async (value: string) => {
        await pair.query(
          pair.standby,
          `ALTER SYSTEM SET primary_conninfo = '${value.replace(/'/g, "''")}'`,
        );
        await pair.query(pair.standby, 'SELECT pg_reload_conf()');
      };
      await setConninfo('');
      try {
        await pair.query(
          pair.primary,
          `CREATE TABLE filler AS SELECT repeat('x', 1000) AS pad FROM generate_series(1, 3000)`,
        );
        const run = await env.run({
          region: EAST,
          target: WEST,
          mode: 'failover',
        });

        expect(run.status).toBe('refused');
        const lag = run.preflight.find(c => c.id === 'lag')!;
        expect(lag).toMatchObject({ passed: false, forcible: true });
        expect(lag.detail).toMatch(
          /^us-west-db has received up to \S+, \d+\.\d MiB behind us-east-db at \S+ \(limit 1\.0 MiB\)$/,
        );
        expect(run.error).toMatch(
          /^refused, nothing changed: Target lag within the limit: .* \(force overrides it\)$/,
        );
        expect(run.steps.slice(1).every(s => s.status === 'skipped')).toBe(
          true,
        );
        expect(await inRecovery(pair.standby)).toBe(true);
        expect(await applicationWrite(pair.primary)).toBe('committed');
      } finally {
        await setConninfo(conninfo);
        await pair.waitForStreaming();
        await pair.waitForCatchUp();
      }
    });

    it('refuses to promote the primary into its own standby, even with force', async () => {
      const run = await env.run({
        region: WEST,
        target: EAST,
        mode: 'switchover',
        force: true,
      });
      expect(run.status).toBe('refused');
      expect(run.error).toContain(
        'Target is a healthy standby: us-east-db is not in recovery: it is already a primary',
      );
      expect(run.error).toContain(
        'Region is the primary: us-west-db is in recovery: it is not the primary',
      );
      // the pre-flight step shows the refusal; nothing after it ran
      expect(run.steps.map(step => [step.id, step.status])).toEqual([
        ['preflight', 'failed'],
        ['fence', 'skipped'],
        ['promote', 'skipped'],
        ['switch-traffic', 'skipped'],
        ['verify', 'skipped'],
        ['record', 'skipped'],
      ]);
      expect(run.steps[0].error).toMatch(
        /^2 of \d+ checks refuse the run: Target is a healthy standby, Region is the primary$/,
      );
      expect(await inRecovery(pair.standby)).toBe(true);
    });
  });

  it('switches over under write load losing no acknowledged commit; the application writes on the new primary at once and cannot on the old', async () => {
    const pair = await startPostgresPair({ names: ['east', 'west'] });
    const env = await setUp(pair);
    try {
      await pair.query(
        pair.primary,
        'CREATE TABLE ledger (id int PRIMARY KEY)',
      );
      expect(await applicationWrite(pair.primary)).toBe('committed');
      await pair.waitForCatchUp();
      const load = pair
        .runWriteLoad({ node: pair.primary, seconds: 4, clients: 2 })
        .catch(() => 'pgbench was disconnected by the fence');
      const writer = startLedgerWriter([pair.primary, pair.standby]);
      await waitUntil(() => writer.acknowledged.length > 50);

      const run = await env.run({
        region: EAST,
        target: WEST,
        mode: 'switchover',
      });
      expect(run.error).toBeUndefined();
      expect(run.status).toBe('succeeded');
      const acknowledgedAtEnd = writer.acknowledged.length;
      await waitUntil(
        () => writer.acknowledged.length > acknowledgedAtEnd + 20,
      );
      await writer.stop();
      await load;

      expect(run.steps.map(s => [s.id, s.status])).toEqual([
        ['preflight', 'succeeded'],
        ['fence', 'succeeded'],
        ['promote', 'succeeded'],
        ['switch-traffic', 'succeeded'],
        ['verify', 'succeeded'],
        ['record', 'succeeded'],
      ]);
      expect(run.dataLossBytes).toBe(0);
      expect(run.fence).toMatchObject({
        method: 'sql',
        detail: expect.stringMatching(
          /^3 role\(s\) locked out \(app, meridian, replicator\), read-only by default, \d+ session\(s\) ended, at \S+; fenced: read-only by default, only superusers and Meridian may log in, no application session open$/,
        ),
      });
      // every acknowledged write is on the new primary
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
      expect(await inRecovery(pair.standby)).toBe(false);
      // the application's role: refused on the old primary, writing on the new one
      expect(await applicationWrite(pair.primary)).toMatch(
        /^28000|role "app" is not permitted to log in/,
      );
      expect(await applicationWrite(pair.standby)).toBe('committed');
      expect(await tryWrite(pair.primary)).toBe('25006'); // superuser: read-only by default
      expect(env.pointsAt.get('api-dns')).toEqual(['10.49.0.10']);
    } finally {
      await env.close();
      await pair.stop();
    }
  });

  it("refuses an emergency failover of a crashed primary that nothing fenced, and fails over on the operator's attestation", async () => {
    const pair = await startPostgresPair({ names: ['east', 'west'] });
    const env = await setUp(pair);
    try {
      await pair.query(
        pair.primary,
        'CREATE TABLE orders AS SELECT g AS id FROM generate_series(1, 1000) g',
      );
      await pair.waitForCatchUp();
      await env.collector.run(); // the sample the pre-flight compares with
      await pair.stopNode(pair.primary, 'immediate');

      const refused = await env.run({
        region: EAST,
        target: WEST,
        mode: 'failover',
        force: true,
      });
      expect(refused.status).toBe('refused');
      expect(refused.error).toContain(
        'The old primary can be fenced: us-east-db does not answer and no fencer can fence it',
      );
      expect(await inRecovery(pair.standby)).toBe(true);

      const run = await env.run({
        region: EAST,
        target: WEST,
        mode: 'failover',
        sourceFenced: 'us-east host powered off from the provider console',
      });

      expect(run.error).toBeUndefined();
      expect(run.status).toBe('succeeded');
      expect(run.sourceFenced).toBe(
        'us-east host powered off from the provider console',
      );
      expect(run.fence).toMatchObject({
        method: 'attested',
        detail:
          'user:default/priya.nair attests: "us-east host powered off from the provider console"',
      });
      expect(run.preflight.find(c => c.id === 'topology')!).toMatchObject({
        passed: true,
        detail: expect.stringMatching(/when last sampled/),
      });
      expect(run.preflight.find(c => c.id === 'lag')!).toMatchObject({
        passed: true,
        detail: expect.stringMatching(
          /at least \d+ B behind us-east-db's last sampled position/,
        ),
      });
      // caught up when sampled: at most the WAL of a few background records
      expect(run.dataLossBytes).toBeGreaterThanOrEqual(0);
      expect(run.dataLossBytes).toBeLessThan(64 * 1024);
      const [{ count }] = await pair.query<{ count: string }>(
        pair.standby,
        'SELECT count(*) FROM orders',
      );
      expect(Number(count)).toBe(1000);
      expect(await applicationWrite(pair.standby)).toBe('committed');
    } finally {
      await env.close();
      await pair.stop();
    }
  });
});

/** Waits until `condition` holds, checking every 20 ms, failing after `timeoutMs`. */
async function waitUntil(condition: () => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}
