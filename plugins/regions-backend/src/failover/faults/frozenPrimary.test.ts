import { TestDatabases } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/config';
import {
  region,
  US_EAST as EAST,
  US_WEST as WEST,
} from '../../__testUtils__/region';
import { PostgresPair, startPostgresPair } from '../../testing/postgresLab';
import {
  applicationWrite,
  writtenByTheApplication,
  createFailoverStack,
  inRecovery,
  labDatabases,
} from '../testing/failoverStack';

/*
 * A primary frozen with SIGSTOP (postmaster and every child), as a stalled
 * host or a network partition looks from outside: it accepts TCP connections
 * into its backlog and never answers. Each case asserts who is in recovery and
 * who takes the application's writes afterwards, not only the run's status.
 */

jest.setTimeout(180_000);

const regions = [
  region(
    'us-east',
    { type: 'global-hub', replication: { role: 'primary', mode: 'streaming' } },
    {
      annotations: {
        'meridian.dev/database': 'us-east-db',
        'meridian.dev/traffic': 'api-dns',
      },
    },
  ),
  region(
    'us-west',
    {
      type: 'global-hub',
      replication: { role: 'warm-standby', source: EAST },
    },
    { annotations: { 'meridian.dev/database': 'us-west-db' } },
  ),
];

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

async function setUp(pair: PostgresPair, eastExtra: JsonObject = {}) {
  return createFailoverStack({
    knex: await databases.init('SQLITE_3'),
    regions,
    pointsAt: new Map([['api-dns', ['10.48.0.10']]]),
    config: {
      regions: {
        databases: labDatabases({
          'us-east-db': { node: pair.primary, region: EAST, extra: eastExtra },
          'us-west-db': { node: pair.standby, region: WEST },
        }),
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

/** A fence command that kills a frozen node: every process of its data directory. */
function killCommand(pair: PostgresPair) {
  return [
    '/bin/sh',
    '-c',
    'pid=$(head -n 1 "$0/postmaster.pid") && pkill -KILL -P "$pid"; kill -KILL "$pid" && echo "killed postmaster $pid and its children"',
    pair.primary.dataDir,
  ];
}

describe('a frozen primary', () => {
  let pair: PostgresPair;
  let env: Awaited<ReturnType<typeof setUp>>;

  beforeEach(async () => {
    pair = await startPostgresPair({ names: ['east', 'west'] });
    await writtenByTheApplication(pair.primary);
    await pair.waitForCatchUp();
  });
  afterEach(async () => {
    await env?.close();
    await pair?.stop();
  });

  it('refuses a switchover and changes nothing', async () => {
    env = await setUp(pair);
    pair.freeze(pair.primary);
    let run;
    try {
      run = await env.run({ region: EAST, target: WEST, mode: 'switchover' });
    } finally {
      pair.thaw(pair.primary);
    }

    expect(run.status).toBe('refused');
    expect(run.error).toMatch(
      /Region is the primary: cannot inspect us-east-db: no answer within 3 s connecting; a switchover needs the primary up/,
    );
    expect(await inRecovery(pair.standby)).toBe(true);
    expect(await applicationWrite(pair.primary)).toBe('committed');
    expect(env.pointsAt.get('api-dns')).toEqual(['10.48.0.10']);
  });

  it('refuses an emergency failover with neither a fencer nor an attestation, even forced, and changes nothing', async () => {
    env = await setUp(pair);
    await env.collector.run(); // what the pre-flight compares the target with
    pair.freeze(pair.primary);
    let run;
    try {
      run = await env.run({
        region: EAST,
        target: WEST,
        mode: 'failover',
        force: true,
      });
    } finally {
      pair.thaw(pair.primary);
    }

    expect(run.status).toBe('refused');
    expect(run.preflight.find(c => c.id === 'fence')).toEqual({
      id: 'fence',
      title: 'The old primary can be fenced',
      passed: false,
      forcible: false,
      detail:
        'us-east-db does not answer and no fencer can fence it: it may only be frozen or cut off and come back taking writes. Make sure it is down or isolated and say what you did (sourceFenced), or configure regions.databases.us-east-db.fence',
    });
    // the old primary, thawed, still takes writes, and nothing was promoted
    expect(await inRecovery(pair.standby)).toBe(true);
    expect(await applicationWrite(pair.primary)).toBe('committed');
  });

  it('fails over once a command fencer has stopped it, recording the command and its output', async () => {
    env = await setUp(pair, { fence: { command: killCommand(pair) } });
    await env.collector.run();
    pair.freeze(pair.primary);

    const run = await env.run({ region: EAST, target: WEST, mode: 'failover' });

    expect(run.error).toBeUndefined();
    expect(run.status).toBe('succeeded');
    expect(run.fence).toMatchObject({
      method: 'command',
      detail: expect.stringMatching(
        /^\/bin\/sh \(3 argument\(s\)\) exited 0 after \d+ ms: killed postmaster \d+ and its children; does not answer after the fence command exited 0$/,
      ),
    });
    expect(
      run.steps.find(s => s.id === 'fence')!.log.map(l => l.message),
    ).toEqual(
      expect.arrayContaining([
        'us-east-db does not answer: it cannot be fenced over its own connection',
      ]),
    );
    // the old primary is gone for good; the new one takes the application's writes
    expect(pair.pidsOf(pair.primary)).toEqual([]);
    expect(await inRecovery(pair.standby)).toBe(false);
    expect(await applicationWrite(pair.standby)).toBe('committed');
    expect(env.pointsAt.get('api-dns')).toEqual(['10.49.0.10']);
  });

  it('resumed after an attested failover, takes writes for one collector tick at most, then is fenced again and the run records it', async () => {
    env = await setUp(pair);
    await env.collector.run();
    pair.freeze(pair.primary);
    const run = await env.run({
      region: EAST,
      target: WEST,
      mode: 'failover',
      sourceFenced: 'us-east cut off at the load balancer and the router',
    });
    expect(run.status).toBe('succeeded');
    expect(run.fence?.method).toBe('attested');
    expect(await applicationWrite(pair.standby)).toBe('committed');

    // The "cut off" host comes back: it answers as a writable primary.
    pair.thaw(pair.primary);
    expect(await applicationWrite(pair.primary)).toBe('committed'); // written, and lost
    await env.collector.run(); // one collector tick

    expect(await applicationWrite(pair.primary)).toBe('28000');
    expect(await applicationWrite(pair.standby)).toBe('committed');
    const recorded = (await env.store.getRun(run.id))!;
    const late = recorded.steps.find(s => s.id === 're-fence')!;
    expect(late).toMatchObject({ status: 'succeeded' });
    const lines = late.log.map(l => l.message);
    expect(lines[0]).toBe(
      'us-east-db, the old primary of this run, takes writes again beside the new primary: fencing it again',
    );
    expect(lines[lines.length - 1]).toMatch(
      /^3 role\(s\) locked out \(app, meridian, replicator\), .*; it wrote up to \S+, \d+(\.\d)? (B|KiB) past the fork at \S+ that the new primary never received$/,
    );
    expect(recorded.dataLossBytes).toBeGreaterThan(run.dataLossBytes ?? 0);
    // the split brain was shown on both regions while it lasted...
    const conflicts = (await env.regionsStore.getConflicts()).conflicts;
    expect(conflicts).toEqual([
      expect.objectContaining({
        type: 'split-brain',
        severity: 'critical',
        regions: [EAST, WEST],
        message: expect.stringMatching(
          /^two writable primaries of one replication set \(system identifier \d+\): us-east-db and us-west-db both take writes; us-east-db fenced again by the run that promoted away from it$/,
        ),
      }),
    ]);
    // ...and is gone at the next tick
    await env.collector.run();
    expect((await env.regionsStore.getConflicts()).conflicts).toEqual([]);
  });
});
