import { eastWestDatabases } from '../../__testUtils__/labPair';
import { TestDatabases } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/config';
import { FailoverRun } from '@meridian/plugin-regions-common';
import { Resolver } from 'node:dns/promises';
import { Knex } from 'knex';
import { Client } from 'pg';
import { region } from '../../__testUtils__/region';
import { PostgresPair, startPostgresPair } from '../../testing/postgresLab';
import { PowerDnsLab, startPowerDns } from '../../testing/powerDnsLab';
import {
  applicationWrite,
  writtenByTheApplication,
  createFailoverStack,
  inRecovery,
  timelineOf,
} from '../testing/failoverStack';
import { builtInTrafficSwitchFactories } from '../traffic';
import { startBackendProcess } from './spawnBackendProcess';

/*
 * The backend process executing a switchover is killed (SIGKILL) while a step
 * is under way — each step held up by a real fault: a lock the fence waits
 * for, a standby that has not replayed, a traffic API that hangs. A restarted
 * backend marks the run interrupted and resumes it in a process of its own.
 * Whatever step it died in, the target is promoted exactly once (timeline 2,
 * never 3), the old primary refuses the application's writes, the new one
 * takes them, and DNS answers the new address.
 */

jest.setTimeout(240_000);

const EAST = 'region:default/us-east';
const WEST = 'region:default/us-west';
const ZONE = 'meridian.test.';
const RECORD = 'api.meridian.test.';
const ADDRESSES = { [EAST]: '10.48.0.10', [WEST]: '10.49.0.10' };
const regions = [
  region(
    'us-east',
    { type: 'global-hub', replication: { role: 'primary' } },
    {
      annotations: {
        'meridian.dev/database': 'us-east-db',
        'meridian.dev/traffic': 'api-dns',
      },
    },
  ),
  region(
    'us-west',
    { type: 'global-hub', replication: { role: 'warm-standby', source: EAST } },
    { annotations: { 'meridian.dev/database': 'us-west-db' } },
  ),
];

describe('a backend process killed in the middle of a switchover', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let pair: PostgresPair;
  let dns: PowerDnsLab;
  let knex: Knex;
  let config: JsonObject;

  beforeEach(async () => {
    [pair, dns] = await Promise.all([
      startPostgresPair({ names: ['east', 'west'] }),
      startPowerDns(),
    ]);
    await dns.createZone(ZONE, [
      { name: RECORD, type: 'A', content: ADDRESSES[EAST], ttl: 5 },
    ]);
    await writtenByTheApplication(pair.primary);
    knex = await databases.init('POSTGRES_15');
    config = {
      regions: {
        databases: eastWestDatabases(pair),
        traffic: {
          'api-dns': {
            driver: 'powerdns',
            url: dns.apiUrl,
            apiKey: dns.apiKey,
            zone: ZONE,
            record: RECORD,
            ttl: 5,
            addresses: ADDRESSES,
          },
        },
      },
    };
  });
  afterEach(async () => {
    await Promise.all([pair?.stop(), dns?.stop()]);
  });

  /** The restarted backend: this process, on the same plugin database. */
  function restartedBackend() {
    return createFailoverStack({
      knex,
      regions,
      config,
      trafficFactories: builtInTrafficSwitchFactories,
    });
  }

  async function runOf(id: string): Promise<FailoverRun> {
    return (await (await restartedBackend()).store.getRun(id))!;
  }

  async function answers(): Promise<string[]> {
    const resolver = new Resolver();
    resolver.setServers([`127.0.0.1:${dns.dnsPort}`]);
    return resolver.resolve4(RECORD);
  }

  /**
   * Starts the switchover in a backend process, holds `step` up with
   * `hold`, kills the process (SIGKILL) while the step runs, releases the
   * hold, and has the restarted backend mark the run interrupted and resume it
   * in a new process. Answers the run after the kill and at the end.
   */
  async function killDuring(
    step: string,
    hold: () => Promise<() => Promise<void>>,
  ) {
    const release = await hold();
    const first = await startBackendProcess({
      database: knex.client.config.connection,
      regions,
      config,
      start: {
        region: EAST,
        target: WEST,
        mode: 'switchover',
        dryRun: false,
        force: false,
      },
    });
    await first.printed(step, 'running');
    first.child.kill('SIGKILL');
    await first.exited;
    await release();

    // The restarted backend finds the run's heartbeat stale (as the recovery
    // task would after its 30 s window) and marks it interrupted.
    await knex('region_failover_runs')
      .where({ id: first.runId })
      .update({ heartbeat_at: knex.raw(`now() - interval '60 seconds'`) });
    await (await restartedBackend()).orchestrator.interruptStaleRuns();
    const interrupted = await runOf(first.runId);

    const second = await startBackendProcess({
      database: knex.client.config.connection,
      regions,
      config,
      resume: first.runId,
    });
    expect(await second.exited).toBe(0);
    return { interrupted, finished: await runOf(first.runId) };
  }

  async function expectSwitchedOverOnce(finished: FailoverRun) {
    expect(finished.error).toBeUndefined();
    expect(finished).toMatchObject({
      status: 'succeeded',
      resumes: 1,
      dataLossBytes: 0,
    });
    expect(await timelineOf(pair.standby)).toBe(2); // promoted once, not twice
    expect(await inRecovery(pair.standby)).toBe(false);
    expect(await applicationWrite(pair.standby)).toBe('committed');
    expect(await applicationWrite(pair.primary)).toBe('28000');
    expect(await answers()).toEqual([ADDRESSES[WEST]]);
  }

  it('during the fence (waiting for a lock on the application role)', async () => {
    const { interrupted, finished } = await killDuring('fence', async () => {
      const blocker = new Client({
        connectionString: pair.primary.superuserConnectionString,
      });
      blocker.on('error', () => {}); // the fence may end this session too
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query('ALTER ROLE app CONNECTION LIMIT 100');
      return async () => {
        await blocker.query('ROLLBACK').catch(() => {});
        await blocker.end().catch(() => {});
      };
    });

    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.error).toMatch(
      /^the backend executing this run stopped during "Fence the old primary"\. Nothing was changed before\. The old primary may be fenced/,
    );
    expect(interrupted.steps.find(s => s.id === 'promote')!.status).toBe(
      'pending',
    );
    await expectSwitchedOverOnce(finished);
  });

  it('during the promotion (the standby has not replayed the fence yet)', async () => {
    const { interrupted, finished } = await killDuring('promote', async () => {
      await pair.pauseReplay(pair.standby);
      return () => pair.resumeReplay(pair.standby);
    });

    expect(interrupted.error).toMatch(
      /^the backend executing this run stopped during "Promote the target"\. Done: fence the old primary\./,
    );
    await expectSwitchedOverOnce(finished);
    expect(
      finished.steps.find(s => s.id === 'fence')!.log.map(l => l.message),
    ).not.toContain('— resumed —'); // the fence done before the kill is not redone
  });

  it('during the traffic switch (the DNS API hangs), after the promotion', async () => {
    const { interrupted, finished } = await killDuring(
      'switch-traffic',
      async () => {
        dns.freeze();
        return async () => dns.thaw();
      },
    );

    expect(interrupted.error).toMatch(
      /^the backend executing this run stopped during "Switch traffic"\. Done: fence the old primary, promote the target\. Traffic may point at either region\./,
    );
    await expectSwitchedOverOnce(finished);
  });
});
