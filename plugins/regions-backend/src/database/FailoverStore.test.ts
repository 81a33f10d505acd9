import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { FailoverStore } from './FailoverStore';

jest.setTimeout(60_000);

const EAST = 'region:default/us-east';
const WEST = 'region:default/us-west';
const CENTRAL = 'region:default/us-central';

function request(region: string, target: string) {
  return {
    region,
    target,
    mode: 'switchover' as const,
    dryRun: false,
    force: false,
    createdBy: 'user:default/priya.nair',
  };
}

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

    it('lets one of two backend instances take a region at a time', async () => {
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

        await store.finishRun(winner.id, { status: 'succeeded', steps: [] });
        await expect(
          otherStore.createRun(request(EAST, WEST)),
        ).resolves.toMatchObject({ status: 'pending' });
      } finally {
        if (other !== knex) {
          await other.destroy();
        }
      }
    });

    it('records progress and the outcome, and lists runs of either region newest first', async () => {
      const first = await store.createRun({
        ...request(EAST, WEST),
        now: new Date('2026-12-01T10:00:00Z'),
      });
      expect(first.steps.map(s => [s.id, s.status])).toEqual([
        ['preflight', 'pending'],
        ['fence', 'pending'],
        ['promote', 'pending'],
        ['switch-traffic', 'pending'],
        ['verify', 'pending'],
        ['record', 'pending'],
      ]);
      const steps = first.steps.map(s =>
        s.id === 'preflight'
          ? {
              ...s,
              status: 'succeeded' as const,
              log: [{ t: '2026-12-01T10:00:01.000Z', message: 'pass' }],
            }
          : s,
      );
      await store.saveProgress(first.id, { status: 'running', steps });
      expect(await store.getRun(first.id)).toMatchObject({
        status: 'running',
        steps: steps,
      });
      await store.finishRun(first.id, {
        status: 'succeeded',
        steps,
        rtoMs: 412,
        dataLossBytes: 2 ** 40,
      });
      const second = await store.createRun({
        ...request(WEST, EAST),
        now: new Date('2026-12-01T11:00:00Z'),
      });

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
      });
    });

    it('marks runs whose executor stopped interrupted, saying what may have changed, and frees their regions', async () => {
      const run = await store.createRun({
        ...request(EAST, WEST),
        now: new Date(Date.now() - 120_000),
      });
      const statusOf = { preflight: 'succeeded', fence: 'running' } as const;
      const steps = run.steps.map(s =>
        s.id in statusOf
          ? { ...s, status: statusOf[s.id as keyof typeof statusOf] }
          : s,
      );
      await store.saveProgress(
        run.id,
        { status: 'running', steps },
        new Date(Date.now() - 60_000),
      );
      const fresh = await store.createRun(request(CENTRAL, CENTRAL));

      const interrupted = await store.interruptStaleRuns(
        new Date(Date.now() - 30_000),
      );

      expect(interrupted.map(r => r.id)).toEqual([run.id]);
      const stored = await store.getRun(run.id);
      expect(stored?.status).toBe('interrupted');
      expect(stored?.error).toMatch(
        /^the backend executing this run stopped during "Fence the old primary"; the run was not resumed\. The old primary may be fenced \(read-only\)/,
      );
      expect(stored?.steps[1]).toMatchObject({
        status: 'failed',
        error: stored?.error,
      });
      expect((await store.getRun(fresh.id))?.status).toBe('pending');
      await expect(store.createRun(request(EAST, WEST))).resolves.toBeTruthy();
    });
  });
});
