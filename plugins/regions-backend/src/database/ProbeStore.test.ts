import { TestDatabases } from '@backstage/backend-test-utils';
import { ProbeCheck, ProbeStore } from './ProbeStore';

jest.setTimeout(60_000);

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const now = new Date('2026-12-10T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

function check(
  probe: string,
  checkedAt: Date,
  latencyMs: number | null,
): ProbeCheck {
  return {
    probe,
    checkedAt,
    ok: latencyMs !== null,
    latencyMs,
    error: latencyMs === null ? 'connection refused' : null,
  };
}

describe('ProbeStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function storeOn(databaseId: string) {
    const knex = await databases.init(databaseId as any);
    return {
      knex,
      store: await ProbeStore.create({
        database: { getClient: async () => knex },
      }),
    };
  }

  it.each(databases.eachSupportedId())(
    'rolls checks up into 5-minute and hourly buckets for the long windows, reads the hour raw, and prunes, %p',
    async databaseId => {
      const { knex, store } = await storeOn(databaseId);
      // three rounds in one bucket two days ago, one round now
      const old = ago(2 * DAY);
      for (const [i, latency] of [10, 30, null].entries()) {
        await store.writeRound(
          [
            check('api', new Date(old.getTime() + i * 10_000), latency),
            check('db', new Date(old.getTime() + i * 10_000), 5),
          ],
          [],
        );
      }
      await store.writeRound([check('api', ago(MINUTE), 20)], []);

      const week = await store.getSeries(['api', 'db', 'none'], '7d', now);
      expect(week.get('api')).toEqual([
        {
          t: expect.any(String),
          latencyMs: 20,
          maxLatencyMs: 30,
          checks: 3,
          failures: 1,
        },
        {
          t: expect.any(String),
          latencyMs: 20,
          maxLatencyMs: 20,
          checks: 1,
          failures: 0,
        },
      ]);
      expect(new Date(week.get('api')![0].t).getTime()).toBeLessThanOrEqual(
        old.getTime(),
      );
      expect(week.get('db')).toMatchObject([{ checks: 3, failures: 0 }]);
      expect(week.get('none')).toEqual([]);
      // the 24 h window starts after the old bucket; the hour reads raw checks
      expect(
        (await store.getSeries(['api'], '24h', now)).get('api'),
      ).toMatchObject([{ checks: 1 }]);
      expect((await store.getSeries(['api'], '1h', now)).get('api')).toEqual([
        {
          t: expect.any(String),
          latencyMs: 20,
          maxLatencyMs: 20,
          checks: 1,
          failures: 0,
        },
      ]);

      // 30 days read the hourly rollups
      expect((await store.getSeries(['api'], '30d', now)).get('api')).toEqual([
        {
          t: expect.any(String),
          latencyMs: 20,
          maxLatencyMs: 30,
          checks: 3,
          failures: 1,
        },
        {
          t: expect.any(String),
          latencyMs: 20,
          maxLatencyMs: 20,
          checks: 1,
          failures: 0,
        },
      ]);

      // raw checks go after 2 hours, 5-minute rollups after 2 days, hourly
      // ones after 35
      const rows = async (table: string, where = {}) =>
        Number((await knex(table).where(where).count({ n: '*' }))[0].n);
      await store.prune(now);
      expect(await rows('region_probe_checks')).toBe(1);
      expect(
        (await store.getSeries(['api'], '7d', now)).get('api'),
      ).toHaveLength(2);
      const later = new Date(now.getTime() + 3 * DAY);
      await store.prune(later);
      expect(await rows('region_probe_rollups', { width_ms: 300_000 })).toBe(0);
      // the week reads the hourly rollups, so it outlives the 5-minute ones
      expect(
        (await store.getSeries(['api'], '7d', later)).get('api'),
      ).toMatchObject([{ checks: 3 }, { checks: 1 }]);
      expect(await rows('region_probe_rollups', { width_ms: 3_600_000 })).toBe(
        3,
      );
      await store.prune(new Date(now.getTime() + 36 * DAY));
      expect(await rows('region_probe_rollups')).toBe(0);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps one state per probe and the recent mean latency of its successful checks, %p',
    async databaseId => {
      const { knex, store } = await storeOn(databaseId);
      const state = {
        probe: 'api',
        status: 'degraded' as const,
        consecutiveFailures: 1,
        latencyMs: null,
        lastError: 'connection refused',
        checkedAt: ago(MINUTE),
        since: ago(MINUTE),
      };
      await store.writeRound(
        [
          check('api', ago(20 * MINUTE), 100),
          check('api', ago(2 * MINUTE), 10),
        ],
        [state],
      );
      await store.writeRound([check('api', ago(MINUTE), 30)], []);
      await store.writeRound(
        [check('api', ago(MINUTE / 2), null)],
        [{ ...state, status: 'up', consecutiveFailures: 0, latencyMs: 30 }],
      );
      expect(await store.getStates()).toEqual(
        new Map([
          [
            'api',
            { ...state, status: 'up', consecutiveFailures: 0, latencyMs: 30 },
          ],
        ]),
      );
      expect(await store.getRecentLatency(['api'], ago(5 * MINUTE))).toEqual(
        new Map([['api', { meanMs: 20, at: ago(MINUTE) }]]),
      );
      await knex.destroy();
    },
  );
});
