import {
  registerMswTestHooks,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/config';
import { setupServer } from 'msw/node';
import { FailoverRun } from '@meridian/plugin-regions-common';
import {
  usEastWestPair,
  US_EAST as EAST,
  US_WEST as WEST,
} from '../__testUtils__/region';
import { eastWestDatabases } from '../__testUtils__/labPair';
import { PostgresPair, startPostgresPair } from '../testing/postgresLab';
import { roleDriftOf } from '../service/observedRoles';
import {
  applicationWrite,
  createFailoverStack,
  inRecovery,
  timelineOf,
  writtenByTheApplication,
} from './testing/failoverStack';
import { fakeRoute53Zone } from '../__testUtils__/fakeRoute53Zone';
import { builtInTrafficSwitchFactories } from './traffic';

/*
 * The whole failover lifecycle on a real PostgreSQL pair: the nodes' own
 * roles after a switchover, the old primary re-attached and a failback
 * through Meridian whatever the catalog still declares, a canary traffic
 * shift, promotions Meridian did not make, approvals, cancel and expiry.
 */

jest.setTimeout(180_000);

const [usEast, usWest] = usEastWestPair({
  type: 'global-hub',
  eastAnnotations: { 'meridian.dev/traffic': 'api-dns' },
});

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const ZONE_ID = 'Z1D633PJN98FT9';
const ADDRESSES = { [EAST]: '10.48.0.10', [WEST]: '10.49.0.10' };
/** A Route 53 record with weighted sets, served by msw as Route 53 answers. */
const route53Switch: JsonObject = {
  driver: 'route53',
  hostedZoneId: ZONE_ID,
  record: 'api.meridian.dev',
  credentials: {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  },
  addresses: ADDRESSES,
};

async function setUp(
  pair: PostgresPair,
  failover: JsonObject = {},
  trafficSwitch: JsonObject = { driver: 'memory', addresses: ADDRESSES },
) {
  return createFailoverStack({
    knex: await databases.init('SQLITE_3'),
    regions: [usEast, usWest],
    pointsAt: new Map([['api-dns', ['10.48.0.10']]]),
    trafficFactories: builtInTrafficSwitchFactories,
    config: {
      regions: {
        databases: eastWestDatabases(pair),
        traffic: { 'api-dns': trafficSwitch },
        failover,
      },
    },
  });
}

describe('the failover lifecycle on a real PostgreSQL pair', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  let pair: PostgresPair;
  beforeEach(async () => {
    pair = await startPostgresPair({ names: ['east', 'west'] });
    await writtenByTheApplication(pair.primary);
    await pair.waitForCatchUp();
  });
  afterEach(async () => {
    await pair?.stop();
  });

  it('shows the roles the nodes say after a switchover, and fails back through Meridian once the old primary is re-attached, with a canary on Route 53 weighted records', async () => {
    const zone = fakeRoute53Zone(ZONE_ID, [
      {
        name: 'api.meridian.dev.',
        type: 'A',
        ttl: '30',
        values: ['10.48.0.10'],
      },
    ]);
    server.use(...zone.handlers);
    const env = await setUp(pair, {}, route53Switch);
    const stateOf = (ref: string) => env.replicationStore.getLatestState(ref);
    const switchover = await env.run({
      region: EAST,
      target: WEST,
      mode: 'switchover',
    });
    expect(switchover.status).toBe('succeeded');
    await env.collector.run();

    // the catalog still says us-east primary, us-west standby; the nodes do not
    expect((await stateOf(WEST))?.observedRole).toBe('primary');
    expect((await stateOf(EAST))?.observedRole).toBe('fenced');
    const evidence = {
      promotions: await env.store.listSucceededPromotions(new Date(0)),
      landed: new Set<string>(),
    };
    expect(roleDriftOf(usWest, 'primary', undefined, evidence)).toMatchObject({
      declared: 'warm-standby',
      observed: 'primary',
      message: `declared warm-standby, primary since run ${switchover.id} (switchover) on ${switchover.finishedAt}`,
      fix: {
        landed: false,
        yaml: 'spec:\n  replication:\n    role: primary\n    mode: streaming\n',
      },
    });

    // the failback runbook: the old primary rewound into a standby of the new one
    await pair.rewindAsStandby(pair.primary, pair.standby);
    await env.collector.run();
    expect((await stateOf(EAST))?.observedRole).toBe('standby');

    const failback = await env.run({
      region: WEST,
      target: EAST,
      mode: 'switchover',
      canary: { percents: [10, 50, 100], pauseSeconds: 0 },
    });

    expect(failback.error).toBeUndefined();
    expect(failback.status).toBe('succeeded');
    expect(failback.preflight.find(c => c.id === 'topology')?.detail).toMatch(
      /; us-east-db streams from us-west-db$/,
    );
    expect(failback.preflight.find(c => c.id === 'canary')).toMatchObject({
      passed: true,
      detail: 'api-dns shift to the target in steps of 10, 50, 100 %',
    });
    const switchLog = failback.steps
      .find(s => s.id === 'switch-traffic')!
      .log.map(l => l.message);
    expect(switchLog).toEqual(
      expect.arrayContaining([
        'api-dns (route53): 10 % → 10.48.0.10, 90 % → 10.49.0.10',
        'us-east-db takes writes after 10 %: going on',
        'api-dns (route53): 50 % → 10.48.0.10, 50 % → 10.49.0.10',
        'api-dns (route53) answers 10.48.0.10',
      ]),
    );
    // Route 53 saw the record split into weighted sets at 10 and 50 %, then one simple set again
    const weightsSent = zone.batches.map(batch =>
      [...batch.matchAll(/<Change><Action>UPSERT<\/Action>(.*?)<\/Change>/gs)]
        .filter(([, change]) => change.includes('<Value>10.48.0.10<'))
        .map(([, change]) => /<Weight>(\d+)</.exec(change)?.[1] ?? 'simple'),
    );
    expect(weightsSent).toEqual([[], ['10'], ['50'], ['simple']]);
    expect(zone.sets()).toEqual([
      {
        name: 'api.meridian.dev.',
        type: 'A',
        ttl: '30',
        values: ['10.48.0.10'],
      },
    ]);
    // promoted once more: timeline 3, the application writes on us-east again
    expect(await timelineOf(pair.primary)).toBe(3);
    expect(await applicationWrite(pair.primary)).toBe('committed');
    expect(await applicationWrite(pair.standby)).toBe('28000');
    await env.collector.run();
    expect((await stateOf(EAST))?.observedRole).toBe('primary');
    await env.close();
  });

  it('records a promotion made by hand as a detected run, with when, what was lost, and the conflict of two primaries', async () => {
    const env = await setUp(pair);
    await env.collector.run();
    await pair.stopNode(pair.primary, 'immediate'); // the primary dies...
    await env.collector.run(); // ...and the collector sees it go
    await pair.query(pair.standby, 'SELECT pg_promote()'); // someone promotes by hand

    await env.collector.run();

    const runs = await env.store.listRuns(WEST);
    expect(runs).toHaveLength(1);
    const detected: FailoverRun = runs[0];
    expect(detected).toMatchObject({
      mode: 'detected',
      region: EAST,
      target: WEST,
      status: 'succeeded',
      createdBy: 'unknown',
      detection: {
        promotedAtFrom: 'node',
        timeline: 2,
        promotedBy: null,
      },
    });
    expect(detected.rtoMs).toBeGreaterThan(0);
    expect(detected.dataLossBytes).toBeGreaterThanOrEqual(0);
    expect(detected.detection!.evidence).toEqual([
      expect.stringMatching(/^us-west-db was a standby on timeline 1 at /),
      expect.stringMatching(
        /^us-west-db is a primary on timeline 2 at .*, and no Meridian run promoted it$/,
      ),
      expect.stringMatching(
        /^us-west-db's pg_wal\/00000002\.history was written at .*: timeline 2 forks at \S+ \(no recovery target specified\)$/,
      ),
      expect.stringMatching(/^us-east-db last took writes at .*, up to \S+$/),
      expect.stringMatching(
        /^the new timeline forks at \S+: .* the old primary had are not on it$/,
      ),
    ]);
    // on both regions' tabs, once
    expect((await env.store.listRuns(EAST)).map(r => r.id)).toEqual([
      detected.id,
    ]);
    await env.collector.run();
    expect(await env.store.listRuns(WEST)).toHaveLength(1);
    await env.close();
  });

  it('waits for another owner to approve an emergency failover, and goes on with the pre-flight run again', async () => {
    const env = await setUp(pair, { approvals: { failover: 1 } });
    const started = await env.orchestrator.start(
      {
        region: EAST,
        target: WEST,
        mode: 'failover',
        dryRun: false,
        force: false,
      },
      'user:default/priya.nair',
    );
    const waiting = (await env.orchestrator.whenFinished(started.id))!;
    expect(waiting).toMatchObject({
      status: 'awaiting-approval',
      approvalsRequired: 1,
      approvals: [],
      approvalDeadline: expect.any(String),
    });
    expect(waiting.steps.map(s => [s.id, s.status])).toEqual([
      ['preflight', 'succeeded'],
      ['approval', 'running'],
      ['fence', 'pending'],
      ['promote', 'pending'],
      ['switch-traffic', 'pending'],
      ['verify', 'pending'],
      ['record', 'pending'],
    ]);
    // nothing changed, and the regions stay held
    expect(await applicationWrite(pair.primary)).toBe('committed');
    await expect(
      env.orchestrator.start(
        {
          region: EAST,
          target: WEST,
          mode: 'drill',
          dryRun: false,
          force: false,
        },
        'user:default/ana',
      ),
    ).rejects.toThrow(/is in progress for/);
    await expect(
      env.orchestrator.approve(started.id, 'user:default/priya.nair'),
    ).rejects.toThrow(
      `user:default/priya.nair started failover run ${started.id}: another owner must approve it`,
    );

    await env.orchestrator.approve(started.id, 'user:default/ana');
    const finished = (await env.orchestrator.whenFinished(started.id))!;

    expect(finished.error).toBeUndefined();
    expect(finished.status).toBe('succeeded');
    expect(finished.approvals).toEqual([
      { by: 'user:default/ana', at: expect.any(String) },
    ]);
    expect(
      finished.steps.find(s => s.id === 'approval')!.log.map(l => l.message),
    ).toContainEqual(
      expect.stringMatching(/^approved by user:default\/ana at /),
    );
    expect(await inRecovery(pair.standby)).toBe(false);
    expect(await applicationWrite(pair.primary)).toBe('28000');
    await env.close();
  });

  it('lets a run awaiting approval expire or be cancelled, changing nothing', async () => {
    const env = await setUp(pair, {
      approvals: { switchover: 1 },
      approvalTimeout: { milliseconds: 1 },
    });
    const request = {
      region: EAST,
      target: WEST,
      mode: 'switchover' as const,
      dryRun: false,
      force: false,
    };
    const first = await env.orchestrator.start(request, 'user:default/priya');
    await env.orchestrator.whenFinished(first.id);
    await env.orchestrator.interruptStaleRuns(); // the recovery task
    expect(await env.store.getRun(first.id)).toMatchObject({
      status: 'expired',
      error: expect.stringMatching(
        /^expired at .* with 0 of 1 approval\(s\): nothing was changed$/,
      ),
    });

    const second = await env.orchestrator.start(request, 'user:default/priya');
    await env.orchestrator.whenFinished(second.id);
    const cancelled = await env.orchestrator.cancel(
      second.id,
      'user:default/ana',
    );
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      cancelledBy: 'user:default/ana',
      error: 'cancelled by user:default/ana before it changed anything',
    });
    await expect(
      env.orchestrator.cancel(second.id, 'user:default/ana'),
    ).rejects.toThrow(`failover run ${second.id} is cancelled: it has ended`);
    expect(await inRecovery(pair.standby)).toBe(true);
    expect(await applicationWrite(pair.primary)).toBe('committed');
    await env.close();
  });

  it('stops a running run between steps when cancelled, saying what it changed', async () => {
    const env = await setUp(pair);
    await pair.pauseReplay(pair.standby); // the promote step waits
    const started = await env.orchestrator.start(
      {
        region: EAST,
        target: WEST,
        mode: 'switchover',
        dryRun: false,
        force: false,
      },
      'user:default/priya',
    );
    for (;;) {
      const run = (await env.store.getRun(started.id))!;
      if (run.steps.find(s => s.id === 'promote')?.status === 'running') break;
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    await env.orchestrator.cancel(started.id, 'user:default/ana');
    await pair.resumeReplay(pair.standby);

    const run = (await env.orchestrator.whenFinished(started.id))!;
    expect(run.status).toBe('cancelled');
    expect(run.error).toBe(
      `cancelled by user:default/ana after "Promote the target". Changed: us-east-db (region:default/us-east) is fenced by the sql fencer and refuses the application's writes; us-west-db (region:default/us-west) is promoted to primary. Not done: switch traffic.`,
    );
    expect(run.steps.find(s => s.id === 'switch-traffic')!.status).toBe(
      'skipped',
    );
    expect(await inRecovery(pair.standby)).toBe(false);
    expect(env.pointsAt.get('api-dns')).toEqual(['10.48.0.10']);
    await env.close();
  });
});
