import { TestDatabases } from '@backstage/backend-test-utils';
import { FailoverRun } from '@meridian/plugin-regions-common';
import knexFactory, { Knex } from 'knex';
import { region } from '../../__testUtils__/region';
import { PostgresPair, startPostgresPair } from '../../testing/postgresLab';
import {
  applicationWrite,
  writtenByTheApplication,
  createFailoverStack,
  inRecovery,
  timelineOf,
} from '../testing/failoverStack';

/*
 * Two backend instances on one PostgreSQL database, each with its own
 * connection pool, orchestrator and lease: races for the same region and for
 * two regions sharing a database node, an instance that loses its run to the
 * other, and a graceful shutdown in the middle of a run. The databases' state
 * is asserted afterwards: who is in recovery, on which timeline, who takes
 * the application's writes.
 */

jest.setTimeout(180_000);

const EAST = 'region:default/us-east';
const WEST = 'region:default/us-west';
// Two more regions bound to the same two nodes: a database shared by regions.
const EAST_ALIAS = 'region:default/us-east-payments';
const WEST_ALIAS = 'region:default/us-west-payments';

const regionOn = (name: string, database: string, source?: string) =>
  region(
    name,
    {
      type: 'global-hub',
      replication: source
        ? { role: 'warm-standby', source }
        : { role: 'primary' },
    },
    { annotations: { 'meridian.dev/database': database } },
  );
const regions = [
  regionOn('us-east', 'east-db'),
  regionOn('us-west', 'west-db', EAST),
  regionOn('us-east-payments', 'east-db'),
  regionOn('us-west-payments', 'west-db', EAST_ALIAS),
];

describe('two backend instances on one PostgreSQL', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let pair: PostgresPair;
  let knexA: Knex;
  let knexB: Knex;

  async function instances() {
    const config = {
      regions: {
        databases: {
          'east-db': {
            connection: pair.primary.superuserConnectionString,
            regions: [EAST, EAST_ALIAS],
          },
          'west-db': {
            connection: pair.standby.superuserConnectionString,
            regions: [WEST, WEST_ALIAS],
          },
        },
      },
    };
    const a = await createFailoverStack({ knex: knexA, regions, config });
    const b = await createFailoverStack({ knex: knexB, regions, config });
    return { a, b };
  }

  beforeEach(async () => {
    pair = await startPostgresPair({ names: ['east', 'west'] });
    await writtenByTheApplication(pair.primary);
    knexA = await databases.init('POSTGRES_15');
    knexB = knexFactory(knexA.client.config);
  });
  afterEach(async () => {
    await knexB?.destroy();
    await pair?.stop();
  });

  /** Ages a run's heartbeat past the stale window, as a dead executor leaves it. */
  async function ageHeartbeat(id: string) {
    await knexA('region_failover_runs')
      .where({ id })
      .update({ heartbeat_at: knexA.raw(`now() - interval '60 seconds'`) });
  }

  /** Waits until the stored run satisfies `accept`. */
  async function waitForRun(
    store: { getRun(id: string): Promise<FailoverRun | undefined> },
    id: string,
    accept: (run: FailoverRun) => boolean,
  ): Promise<FailoverRun> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const run = (await store.getRun(id))!;
      if (accept(run)) {
        return run;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `run ${id} never got there: ${JSON.stringify(run.steps)}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }

  const stepStatus = (run: FailoverRun, id: string) =>
    run.steps.find(step => step.id === id)?.status;

  it('records one run when both start the same region, and one when two regions share a node', async () => {
    const { a, b } = await instances();
    const drill = { mode: 'drill' as const, dryRun: false, force: false };

    /** Waits for the run that was recorded, on the instance executing it. */
    const finishWinner = async (
      results: PromiseSettledResult<FailoverRun>[],
    ) => {
      for (const result of results) {
        if (result.status === 'fulfilled') {
          const executor = result.value.createdBy === 'user:default/a' ? a : b;
          await executor.orchestrator.whenFinished(result.value.id);
        }
      }
    };

    const same = await Promise.allSettled([
      a.orchestrator.start(
        { ...drill, region: EAST, target: WEST },
        'user:default/a',
      ),
      b.orchestrator.start(
        { ...drill, region: EAST, target: WEST },
        'user:default/b',
      ),
    ]);
    expect(same.map(r => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    await finishWinner(same);

    const shared = await Promise.allSettled([
      a.orchestrator.start(
        { ...drill, region: EAST, target: WEST },
        'user:default/a',
      ),
      b.orchestrator.start(
        { ...drill, region: EAST_ALIAS, target: WEST_ALIAS },
        'user:default/b',
      ),
    ]);
    expect(shared.map(r => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(
      (shared.find(r => r.status === 'rejected') as PromiseRejectedResult)
        .reason.message,
    ).toMatch(
      /is in progress for database:(east|west)-db; wait for it to finish$/,
    );
    await finishWinner(shared);
    expect(await inRecovery(pair.standby)).toBe(true);
  });

  it('stops an instance that lost its run before its next side effect; the other resumes it and promotes once', async () => {
    const { a, b } = await instances();
    await pair.pauseReplay(pair.standby); // the promote step waits for replay
    const started = await a.orchestrator.start(
      {
        region: EAST,
        target: WEST,
        mode: 'switchover',
        dryRun: false,
        force: false,
      },
      'user:default/a',
    );
    await waitForRun(
      b.store,
      started.id,
      run => stepStatus(run, 'promote') === 'running',
    );

    // Instance A looks dead to B (its heartbeat is stale): B takes the run.
    await ageHeartbeat(started.id);
    await b.orchestrator.interruptStaleRuns();
    const interrupted = (await b.store.getRun(started.id))!;
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.error).toBe(
      'the backend executing this run stopped during "Promote the target". Done: fence the old primary. The target may or may not have been promoted. Not done: switch traffic. Resume it to continue: every step looks at the nodes before it acts, so nothing is done twice.',
    );

    // A's wait ends; it must not promote for a run it no longer holds.
    await pair.resumeReplay(pair.standby);
    await a.orchestrator.whenFinished(started.id);
    expect(await inRecovery(pair.standby)).toBe(true);
    expect((await b.store.getRun(started.id))!.status).toBe('interrupted');

    // B resumes: the fence is found in place, the target promoted once.
    await b.orchestrator.resume(started.id, 'user:default/b');
    const finished = (await b.orchestrator.whenFinished(started.id))!;
    expect(finished.error).toBeUndefined();
    expect(finished).toMatchObject({
      status: 'succeeded',
      resumes: 1,
      dataLossBytes: 0,
    });
    expect(finished.steps.find(s => s.id === 'fence')!.status).toBe(
      'succeeded',
    );
    expect(await timelineOf(pair.standby)).toBe(2);
    expect(await applicationWrite(pair.standby)).toBe('committed');
    expect(await applicationWrite(pair.primary)).toBe('28000');
  });

  it('interrupts its run after the current step on a graceful shutdown; the other instance resumes it without promoting twice', async () => {
    const { a, b } = await instances();
    await pair.pauseReplay(pair.standby);
    const started = await a.orchestrator.start(
      {
        region: EAST,
        target: WEST,
        mode: 'switchover',
        dryRun: false,
        force: false,
      },
      'user:default/a',
    );
    await waitForRun(
      a.store,
      started.id,
      run => stepStatus(run, 'promote') === 'running',
    );

    const shutdown = a.orchestrator.shutdown();
    await pair.resumeReplay(pair.standby); // the current step can finish
    await shutdown;

    const stopped = (await a.store.getRun(started.id))!;
    expect(stopped.status).toBe('interrupted');
    expect(stopped.error).toBe(
      // no traffic switch here: only the verification and record are left
      'the backend executing this run stopped after "Promote the target". Done: fence the old primary, promote the target. Resume it to continue: every step looks at the nodes before it acts, so nothing is done twice.',
    );
    expect(await inRecovery(pair.standby)).toBe(false);
    await expect(
      a.orchestrator.start(
        {
          region: EAST,
          target: WEST,
          mode: 'drill',
          dryRun: false,
          force: false,
        },
        'user:default/a',
      ),
    ).rejects.toThrow('this backend instance is shutting down');

    await b.orchestrator.resume(started.id, 'user:default/b');
    const finished = (await b.orchestrator.whenFinished(started.id))!;
    expect(finished.status).toBe('succeeded');
    expect(await timelineOf(pair.standby)).toBe(2);
    expect(await applicationWrite(pair.standby)).toBe('committed');
    expect(await applicationWrite(pair.primary)).toBe('28000');
  });
});
