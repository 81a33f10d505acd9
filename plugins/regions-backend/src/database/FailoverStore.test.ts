import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { databaseHold, FailoverStore, LeaseLostError } from './FailoverStore';

jest.setTimeout(60_000);

const EAST = 'region:default/us-east';
const WEST = 'region:default/us-west';
const CENTRAL = 'region:default/us-central';
const SOUTH = 'region:default/us-south';

function request(region: string, target: string, nodes: string[] = []) {
  return {
    region,
    target,
    mode: 'switchover' as const,
    dryRun: false,
    force: false,
    createdBy: 'user:default/priya.nair',
    holds: [region, target, ...nodes.map(databaseHold)],
  };
}

const describeInterruption = (_run: unknown, current?: { title: string }) =>
  `stopped during ${current?.title ?? 'nothing'}`;

describe('FailoverStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let store: FailoverStore;
    beforeEach(async () => {
      knex = await databases.init(databaseId);
      store = await FailoverStore.create({
        database: { getClient: async () => knex },
      });
    });

    /** Moves a run's heartbeat back, as if its executor stopped writing it. */
    async function ageHeartbeat(id: string, seconds: number) {
      await knex('region_failover_runs')
        .where({ id })
        .update({
          heartbeat_at:
            databaseId === 'POSTGRES_15'
              ? knex.raw(`now() - interval '${seconds} seconds'`)
              : new Date(Date.now() - seconds * 1000),
        });
    }

    it('lets one of two backend instances take a region or a database node at a time', async () => {
      // A second connection pool to the same database, as another instance has.
      const other =
        databaseId === 'POSTGRES_15' ? knexFactory(knex.client.config) : knex;
      try {
        const otherStore = await FailoverStore.create({
          database: { getClient: async () => other },
        });
        const results = await Promise.allSettled([
          store.createRun(request(EAST, WEST)),
          otherStore.createRun(request(EAST, CENTRAL)),
          otherStore.createRun(request(CENTRAL, WEST)),
        ]);
        const won = results.filter(r => r.status === 'fulfilled');
        const lost = results.filter(
          r => r.status === 'rejected',
        ) as PromiseRejectedResult[];
        // any two of them share a region, so exactly one is recorded
        expect(won).toHaveLength(1);
        expect(lost.map(r => r.reason.name)).toEqual([
          'ConflictError',
          'ConflictError',
        ]);
        const winner = (won[0] as PromiseFulfilledResult<{ id: string }>).value;
        expect(lost[0].reason.message).toMatch(
          new RegExp(`^failover run ${winner.id} is in progress for region:`),
        );

        // two other regions whose standbys share one database node
        const shared = await Promise.allSettled([
          store.createRun(
            request(SOUTH, 'region:default/a', ['south-db', 'shared-db']),
          ),
          otherStore.createRun(
            request('region:default/b', 'region:default/c', [
              'b-db',
              'shared-db',
            ]),
          ),
        ]);
        expect(shared.map(r => r.status).sort()).toEqual([
          'fulfilled',
          'rejected',
        ]);
        expect(
          (shared.find(r => r.status === 'rejected') as PromiseRejectedResult)
            .reason.message,
        ).toMatch(
          /is in progress for database:shared-db; wait for it to finish$/,
        );

        const claimed = await store.claim(winner.id);
        await store.finishRun(winner.id, claimed!.epoch, {
          status: 'succeeded',
          steps: [],
        });
        await expect(
          otherStore.createRun(request(EAST, WEST)),
        ).resolves.toMatchObject({ status: 'pending' });
      } finally {
        if (other !== knex) {
          await other.destroy();
        }
      }
    });

    it('records progress and the outcome under the lease, and lists runs of either region newest first', async () => {
      const first = await store.createRun(request(EAST, WEST));
      expect(first.steps.map(s => [s.id, s.status])).toEqual([
        ['preflight', 'pending'],
        ['fence', 'pending'],
        ['promote', 'pending'],
        ['switch-traffic', 'pending'],
        ['verify', 'pending'],
        ['record', 'pending'],
      ]);
      const claimed = await store.claim<{ changed: string[] }>(first.id);
      expect(claimed).toMatchObject({ epoch: 1, run: { status: 'running' } });
      // claimed once only
      expect(await store.claim(first.id)).toBeUndefined();

      const steps = first.steps.map(s =>
        s.id === 'preflight'
          ? {
              ...s,
              status: 'succeeded' as const,
              log: [{ t: '2026-12-01T10:00:01.000Z', message: 'pass' }],
            }
          : s,
      );
      await store.saveProgress(first.id, 1, {
        steps,
        progress: { changed: ['x'] },
      });
      expect(await store.getRun(first.id)).toMatchObject({
        status: 'running',
        steps: steps,
      });
      expect(await store.getProgress(first.id)).toEqual({ changed: ['x'] });
      await store.finishRun(first.id, 1, {
        status: 'succeeded',
        steps,
        rtoMs: 412,
        dataLossBytes: 2 ** 40,
      });
      await knex('region_failover_runs')
        .where({ id: first.id })
        .update({ created_at: new Date('2026-12-01T10:00:00Z') });
      const second = await store.createRun(request(WEST, EAST));

      expect((await store.listRuns(EAST)).map(r => r.id)).toEqual([
        second.id,
        first.id,
      ]);
      expect((await store.listRuns(CENTRAL)).map(r => r.id)).toEqual([]);
      expect(await store.getRun(first.id)).toMatchObject({
        status: 'succeeded',
        rtoMs: 412,
        dataLossBytes: 2 ** 40,
        createdAt: '2026-12-01T10:00:00.000Z',
        finishedAt: expect.any(String),
        resumes: 0,
      });
    });

    it('marks a run interrupted once its heartbeat is stale by the database clock; the old executor can then write nothing, and a resume takes it over', async () => {
      const run = await store.createRun(request(EAST, WEST, ['east-db']));
      const { epoch } = (await store.claim(run.id))!;
      const statusOf = { preflight: 'succeeded', fence: 'running' } as const;
      const steps = run.steps.map(s =>
        s.id in statusOf
          ? { ...s, status: statusOf[s.id as keyof typeof statusOf] }
          : s,
      );
      await store.saveProgress(run.id, epoch, { steps });
      const fresh = await store.createRun(request(CENTRAL, SOUTH));
      await store.claim(fresh.id);

      // a fresh heartbeat is not stale
      expect(
        await store.interruptStaleRuns(30_000, describeInterruption),
      ).toEqual([]);
      await ageHeartbeat(run.id, 60);
      const interrupted = await store.interruptStaleRuns(
        30_000,
        describeInterruption,
      );

      expect(interrupted.map(r => r.id)).toEqual([run.id]);
      const stored = await store.getRun(run.id);
      expect(stored).toMatchObject({
        status: 'interrupted',
        error: 'stopped during Fence the old primary',
      });
      expect(stored?.steps[1]).toMatchObject({
        status: 'failed',
        error: 'stopped during Fence the old primary',
      });
      expect((await store.getRun(fresh.id))?.status).toBe('running');

      // the executor that lost the run: every write is refused, nothing overwritten
      await expect(
        store.saveProgress(run.id, epoch, { steps }),
      ).rejects.toThrow(LeaseLostError);
      expect(await store.heartbeat(run.id, epoch)).toBe(false);
      await expect(
        store.finishRun(run.id, epoch, { status: 'succeeded', steps }),
      ).rejects.toThrow(LeaseLostError);
      expect((await store.getRun(run.id))?.status).toBe('interrupted');

      // its regions and node are free; a resume takes them again
      const resumed = await store.resume(run.id, [
        EAST,
        WEST,
        databaseHold('east-db'),
      ]);
      expect(resumed.epoch).toBeGreaterThan(epoch);
      expect(resumed.run).toMatchObject({ status: 'running', resumes: 1 });
      await expect(
        store.createRun(request(EAST, 'region:default/elsewhere')),
      ).rejects.toThrow(/is in progress for region:default\/us-east/);
      await expect(store.resume(run.id, [EAST, WEST])).rejects.toThrow(
        /is running: only an interrupted run can be resumed/,
      );
    });

    it('refuses to resume a run while another run holds one of its regions', async () => {
      const run = await store.createRun(request(EAST, WEST));
      const { epoch } = (await store.claim(run.id))!;
      await store.interrupt(run.id, epoch, describeInterruption);
      const other = await store.createRun(request(WEST, CENTRAL));

      await expect(store.resume(run.id, [EAST, WEST])).rejects.toThrow(
        new RegExp(`failover run ${other.id} is in progress for ${WEST}`),
      );
      expect((await store.getRun(run.id))?.status).toBe('interrupted');
    });

    it('appends a late step and raises the data loss only upward', async () => {
      const run = await store.createRun(request(EAST, WEST));
      const { epoch } = (await store.claim(run.id))!;
      await store.finishRun(run.id, epoch, {
        status: 'succeeded',
        steps: run.steps,
        dataLossBytes: 500,
      });
      const late = {
        id: 're-fence' as const,
        title: 'Fence the old primary again',
        status: 'succeeded' as const,
        startedAt: null,
        finishedAt: null,
        log: [],
      };
      await store.appendStep(run.id, late, 100);
      expect((await store.getRun(run.id))?.dataLossBytes).toBe(500);
      await store.appendStep(run.id, late, 9000);
      const stored = await store.getRun(run.id);
      expect(stored?.dataLossBytes).toBe(9000);
      expect(stored?.steps.map(s => s.id)).toEqual([
        'preflight',
        'fence',
        'promote',
        'switch-traffic',
        'verify',
        'record',
        're-fence',
        're-fence',
      ]);
    });

    it('adds who made a detected promotion once it is known, keeping what was seen', async () => {
      const promotedAt = new Date(Date.now() - 30_000).toISOString();
      const recorded = await store.recordDetectedRun({
        region: EAST,
        target: WEST,
        detection: {
          promotedAt,
          promotedAtFrom: 'samples',
          timeline: 2,
          promotedBy: null,
          evidence: ['us-west-db is a primary on timeline 2'],
        },
        promotedBy: 'unknown',
        rtoMs: 4000,
        dataLossBytes: 0,
        progress: { sourceNode: 'us-east-db', targetNode: 'us-west-db' },
      });
      const unexplained = await store.listDetectedRunsWithoutPromoter(
        new Date(Date.now() - 60_000),
      );
      expect(unexplained).toEqual([
        {
          run: expect.objectContaining({ id: recorded.id }),
          targetNode: 'us-west-db',
        },
      ]);

      await store.reviseDetection(recorded.id, {
        promotedBy: 'patroni (new leader west)',
        evidence: ["Patroni's history: timeline 1 ended"],
        promotedAt: '2026-12-07T00:00:00.000Z',
      });

      const revised = await store.getRun(recorded.id);
      expect(revised).toMatchObject({
        createdBy: 'patroni (new leader west)',
        detection: {
          promotedBy: 'patroni (new leader west)',
          promotedAt: '2026-12-07T00:00:00.000Z',
          promotedAtFrom: 'node',
          evidence: [
            'us-west-db is a primary on timeline 2',
            "Patroni's history: timeline 1 ended",
          ],
        },
      });
      expect(
        await store.listDetectedRunsWithoutPromoter(
          new Date(Date.now() - 60_000),
        ),
      ).toEqual([]);
    });
  });
});
