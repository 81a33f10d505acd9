import { TestDatabases } from '@backstage/backend-test-utils';
import { RegionEntity } from '@meridian/plugin-regions-common';
import {
  ReplicationObservation,
  ReplicationSource,
} from '@meridian/plugin-regions-node';
import { region } from '../../__testUtils__/region';
import { startTestCollector } from '../../__testUtils__/replicationCollector';
import { formatLag } from './judgeObservation';

jest.setTimeout(60_000);

const primary = region('studio-primary', {
  type: 'global-hub',
  replication: { role: 'primary', mode: 'streaming', rpoSeconds: 60 },
});
const sul = region('studio-sul', {
  replication: {
    role: 'warm-standby',
    source: 'region:default/studio-primary',
    rpoSeconds: 60,
  },
});
const norte = region('studio-norte', {
  replication: { role: 'primary', rpoSeconds: 30 },
});
const unobserved = region('studio-manaus');

function replicas(
  ...rows: Array<[name: string, lagSeconds: number | null, state?: string]>
): ReplicationObservation {
  return {
    sampledAt: new Date(),
    nodeRole: 'primary',
    database: 'studio-primary-db',
    replicas: rows.map(([name, lagSeconds, state = 'streaming']) => ({
      name,
      state,
      syncState: 'async',
      lagBytes: lagSeconds === null ? null : lagSeconds * 1000,
      lagSeconds,
    })),
  };
}

/** A source that observes the regions it has an answer for. */
function fakeSource(
  answers: Record<string, () => Promise<ReplicationObservation>>,
  id = 'fake',
): ReplicationSource & { sample: jest.Mock } {
  return {
    id,
    observes: (r: RegionEntity) => r.metadata.name in answers,
    sample: jest.fn((r: RegionEntity) => answers[r.metadata.name]()),
  };
}

describe('ReplicationCollector', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function setup(
      sources: ReplicationSource[],
      regions: RegionEntity[] = [primary, sul, norte, unobserved],
    ) {
      const { collector, store, logger } = await startTestCollector(
        await databases.init(databaseId),
        { regions, sources, sampleTimeoutMs: 200 },
      );
      const statusOf = async (name: string) => {
        const state = await store.getLatestState(`region:default/${name}`);
        return state && [state.status, state.reason];
      };
      return { collector, store, logger, statusOf };
    }

    it.each([
      [10, 'ok', 'worst replica b is 10 s behind (RPO 60 s)'],
      [
        30,
        'warning',
        'worst replica b is 30 s behind (at least half the RPO 60 s)',
      ],
      [
        60,
        'warning',
        'worst replica b is 60 s behind (at least half the RPO 60 s)',
      ],
      [61, 'breach', 'worst replica b is 61 s behind (above the RPO 60 s)'],
    ])(
      'judges the worst replica lagging %p s against the RPO as %p',
      async (lag, status, reason) => {
        const source = fakeSource({
          'studio-primary': async () => replicas(['a', 1], ['b', lag]),
        });
        const { collector, store, statusOf } = await setup([source]);

        await collector.run();

        expect(await statusOf('studio-primary')).toEqual([status, reason]);
        const state = await store.getLatestState(
          'region:default/studio-primary',
        );
        expect(state).toMatchObject({
          source: 'fake',
          database: 'studio-primary-db',
          lagSeconds: lag,
          lagBytes: lag * 1000,
        });
        expect(state!.replicas.map(r => [r.name, r.lagSeconds])).toEqual([
          ['a', 1],
          ['b', lag],
        ]);
      },
    );

    it('reports unknown when no replica reports its lag, and when there is none', async () => {
      const source = fakeSource({
        'studio-primary': async () => replicas(['a', null]),
        'studio-norte': async () => replicas(),
      });
      const { collector, statusOf } = await setup([source]);

      await collector.run();

      expect(await statusOf('studio-primary')).toEqual([
        'unknown',
        'no replica reports its lag',
      ]);
      expect(await statusOf('studio-norte')).toEqual([
        'unknown',
        'the primary reports no replicas',
      ]);
    });

    it('degrades a region with a stopped replica to at least warning', async () => {
      const source = fakeSource({
        'studio-primary': async () =>
          replicas(['a', 1], ['b', null, 'stopped']),
        'studio-norte': async () => replicas(['c', 40], ['d', 1, 'stopped']),
      });
      const { collector, statusOf } = await setup([source]);

      await collector.run();

      expect(await statusOf('studio-primary')).toEqual([
        'warning',
        'replica b is stopped; worst replica a is 1 s behind (RPO 60 s)',
      ]);
      expect(await statusOf('studio-norte')).toEqual([
        'breach',
        'replica d is stopped; worst replica c is 40 s behind (above the RPO 30 s)',
      ]);
    });

    it('judges a standby by its own view and explains an idle primary', async () => {
      const standby = (view: Partial<ReplicationObservation['standby']>) => ({
        sampledAt: new Date(),
        nodeRole: 'standby' as const,
        replicas: [],
        standby: {
          receiverStatus: 'streaming',
          receiveLsn: '0/3000060',
          replayLsn: '0/3000060',
          replayBacklogBytes: 0,
          lastReplayAgeSeconds: 300,
          caughtUp: true,
          ...view,
        },
      });
      const answers: Record<string, () => Promise<ReplicationObservation>> = {
        'studio-sul': async () => standby({}),
      };
      const { collector, store, statusOf } = await setup([fakeSource(answers)]);

      await collector.run();
      expect(await statusOf('studio-sul')).toEqual([
        'ok',
        'caught up; the primary has had no writes for 300 s',
      ]);
      expect(
        await store.getLatestState('region:default/studio-sul'),
      ).toMatchObject({ lagSeconds: 0, standby: { caughtUp: true } });

      answers['studio-sul'] = async () =>
        standby({
          caughtUp: false,
          replayBacklogBytes: 4096,
          lastReplayAgeSeconds: 90,
        });
      await collector.run();
      expect(await statusOf('studio-sul')).toEqual([
        'breach',
        '4096 bytes wait to be replayed, 90 s behind (above the RPO 60 s)',
      ]);

      answers['studio-sul'] = async () =>
        standby({
          receiverStatus: 'disconnected',
          caughtUp: false,
          replayBacklogBytes: 0,
        });
      await collector.run();
      expect(await statusOf('studio-sul')).toEqual([
        'unknown',
        "the standby's WAL receiver is disconnected and how far it is behind is unknown",
      ]);
    });

    it('asks the first source that observes a region and leaves unobserved regions alone', async () => {
      const first = fakeSource(
        { 'studio-primary': async () => replicas(['a', 1]) },
        'first',
      );
      const second = fakeSource(
        {
          'studio-primary': async () => replicas(['a', 1]),
          'studio-norte': async () => replicas(['c', 1]),
        },
        'second',
      );
      const { collector, store } = await setup([first, second]);

      await collector.run();

      const states = await store.getLatestStates();
      expect(
        [...states.entries()].map(([ref, s]) => [ref, s.source]).sort(),
      ).toEqual([
        ['region:default/studio-norte', 'second'],
        ['region:default/studio-primary', 'first'],
      ]);
      expect(second.sample).toHaveBeenCalledTimes(1);
    });

    it('marks a region whose source fails unknown, goes on with the others and recovers on the next run', async () => {
      const answers: Record<string, () => Promise<ReplicationObservation>> = {
        'studio-primary': async () => {
          throw new Error('connect ECONNREFUSED 10.16.0.10:5432');
        },
        'studio-norte': () => new Promise(() => {}),
        'studio-sul': async () => replicas(['x', 1]),
      };
      const { collector, logger, statusOf } = await setup([
        fakeSource(answers),
      ]);

      await collector.run();

      expect(await statusOf('studio-primary')).toEqual([
        'unknown',
        'connect ECONNREFUSED 10.16.0.10:5432',
      ]);
      expect(await statusOf('studio-norte')).toEqual([
        'unknown',
        "source 'fake' did not answer within 200 ms",
      ]);
      expect((await statusOf('studio-sul'))?.[0]).toBe('ok');
      expect(logger.warn).toHaveBeenCalledWith(
        "Could not sample the replication of region:default/studio-primary with source 'fake': connect ECONNREFUSED 10.16.0.10:5432",
      );

      answers['studio-primary'] = async () => replicas(['a', 2]);
      answers['studio-norte'] = async () => replicas(['c', 2]);
      await collector.run();

      expect((await statusOf('studio-primary'))?.[0]).toBe('ok');
      expect((await statusOf('studio-norte'))?.[0]).toBe('ok');
    });

    it('reads a sample older than the staleness limit as unknown', async () => {
      const source = fakeSource({
        'studio-primary': async () => replicas(['a', 1]),
      });
      const { collector, store } = await setup([source]);
      await collector.run();
      const { sampledAt } = (await store.getLatestState(
        'region:default/studio-primary',
      ))!;

      const later = new Date(sampledAt.getTime() + 30_001);
      expect(
        await store.getLatestState('region:default/studio-primary', later),
      ).toMatchObject({
        status: 'unknown',
        reason: `no fresh sample since ${sampledAt.toISOString()}`,
      });
      expect(
        (await store.getLatestStates(later)).get(
          'region:default/studio-primary',
        )?.status,
      ).toBe('unknown');
    });
  });
});

describe('formatLag', () => {
  it.each([
    [0, '0 s'],
    [0.000085, '< 1 ms'],
    [0.0851, '85 ms'],
    [2.54, '2.5 s'],
    [61.4, '61 s'],
  ])('writes %p seconds as %p', (seconds, text) => {
    expect(formatLag(seconds)).toBe(text);
  });
});
