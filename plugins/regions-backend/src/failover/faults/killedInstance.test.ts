import { eastWestDatabases } from '../../__testUtils__/labPair';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FailoverRun } from '@meridian/plugin-regions-common';
import { Knex } from 'knex';
import request from 'supertest';
import {
  usEastWestPair,
  US_EAST as EAST,
  US_WEST as WEST,
} from '../../__testUtils__/region';
import { regionsPlugin } from '../../plugin';
import { PostgresPair, startPostgresPair } from '../../testing/postgresLab';
import { HEARTBEAT_MS, STALE_RUN_MS } from '../engine/RunExecution';
import { eventually } from '../testing/eventually';
import {
  applicationWrite,
  inRecovery,
  timelineOf,
  writtenByTheApplication,
} from '../testing/failoverStack';
import { startBackendProcess } from './spawnBackendProcess';

/*
 * Two backend instances on one PostgreSQL database: instance A, a Node
 * process of its own, starts a switchover and is killed (SIGKILL) once the
 * old primary is fenced, while the promotion waits for the standby to replay.
 * Instance B, the plugin as the backend wires it (real scheduler), is left
 * alone: its recovery task must find A's heartbeat stale and mark the run
 * interrupted by itself. The run stays interrupted (an operator resumes it,
 * knowing what was done) until resumed through B's API; then the databases
 * hold exactly one writable primary: the target, promoted once.
 */

jest.setTimeout(240_000);

/** The recovery task's frequency (setUpFailover): one tick after the window. */
const RECOVERY_TICK_MS = 15_000;

const regions = usEastWestPair();

describe('a backend instance killed while another one runs', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let pair: PostgresPair;
  let knex: Knex;

  beforeEach(async () => {
    pair = await startPostgresPair({ names: ['east', 'west'] });
    await writtenByTheApplication(pair.primary);
    knex = await databases.init('POSTGRES_15');
  });
  afterEach(async () => {
    await pair?.stop();
  });

  it('is marked interrupted by the other instance within the stale window, and resumed there promotes once', async () => {
    const config: JsonObject = {
      regions: {
        databases: eastWestDatabases(pair),
        readiness: { threshold: 0 },
        failover: { approvals: { failover: 0 } },
      },
    };
    const instanceB = await startTestBackend({
      features: [
        regionsPlugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: regions }),
        mockServices.rootConfig.factory({ data: config }),
        schedulerServiceFactory,
      ],
    });
    const runOnB = async (id: string): Promise<FailoverRun> => {
      const res = await request(instanceB.server)
        .get(`/api/regions/failovers/${id}`)
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      return res.body;
    };

    try {
      await pair.pauseReplay(pair.standby); // the promotion waits for replay
      const instanceA = await startBackendProcess({
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
      await instanceA.printed('fence', 'succeeded');
      await instanceA.printed('promote', 'running');
      instanceA.child.kill('SIGKILL');
      expect(await instanceA.exited).toBeNull(); // killed, not exited

      // Nobody takes writes while the run is stopped: fenced, not promoted.
      expect(await applicationWrite(pair.primary)).toBe('28000');
      expect(await inRecovery(pair.standby)).toBe(true);

      // A's last heartbeat is at most one beat old; B's recovery task must
      // see it stale and mark the run within its next tick.
      const interrupted = await eventually(
        async () => {
          const run = await runOnB(instanceA.runId);
          return run.status === 'interrupted' ? run : undefined;
        },
        {
          timeoutMs: HEARTBEAT_MS + STALE_RUN_MS + RECOVERY_TICK_MS + 30_000,
          what: `interrupted run ${instanceA.runId} on instance B`,
          describe: async () =>
            JSON.stringify((await runOnB(instanceA.runId)).status),
        },
      );
      expect(interrupted.error).toBe(
        'the backend executing this run stopped during "Promote the target". Done: fence the old primary. The target may or may not have been promoted. Not done: switch traffic. Resume it to continue: every step looks at the nodes before it acts, so nothing is done twice.',
      );
      expect(interrupted.resumes).toBe(0); // not resumed behind the operator's back
      expect(await inRecovery(pair.standby)).toBe(true);

      await pair.resumeReplay(pair.standby);
      const resumed = await request(instanceB.server)
        .post(`/api/regions/failovers/${instanceA.runId}/resume`)
        .set('Authorization', mockCredentials.user.header());
      expect(resumed.status).toBe(202);
      const finished = await eventually(
        async () => {
          const run = await runOnB(instanceA.runId);
          return ['pending', 'running'].includes(run.status) ? undefined : run;
        },
        { timeoutMs: 60_000, what: `end of run ${instanceA.runId}` },
      );
      expect(finished.error).toBeUndefined();
      expect(finished).toMatchObject({
        status: 'succeeded',
        resumes: 1,
        dataLossBytes: 0,
      });
      expect(
        finished.steps.find(s => s.id === 'fence')!.log.map(l => l.message),
      ).not.toContain('— resumed —'); // the fence A did is not redone

      // Exactly one writable primary: the target, on its first new timeline.
      expect(await inRecovery(pair.standby)).toBe(false);
      expect(await timelineOf(pair.standby)).toBe(2);
      expect(await timelineOf(pair.primary)).toBe(1);
      expect([
        await applicationWrite(pair.primary),
        await applicationWrite(pair.standby),
      ]).toEqual(['28000', 'committed']);
    } finally {
      await instanceB.stop();
    }
  });
});
