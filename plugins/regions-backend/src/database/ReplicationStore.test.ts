import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { ReplicationSample, ReplicationStore } from './ReplicationStore';

jest.setTimeout(120_000);

const REF = 'region:default/studio-primary';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const now = new Date('2026-11-22T12:00:00.000Z');

/** A sample of two replicas, `a` lagging `lagSeconds` and `b` a second less. */
function sampleAt(at: number, lagSeconds: number): ReplicationSample {
  return {
    regionRef: REF,
    sampledAt: new Date(at),
    status: 'ok',
    reason: 'fine',
    observedRole: 'primary',
    source: 'fake',
    lagBytes: lagSeconds * 2 ** 33,
    lagSeconds,
    rows: [
      {
        replica: 'a',
        state: 'streaming',
        lagBytes: lagSeconds * 2 ** 33,
        lagSeconds,
      },
      {
        replica: 'b',
        state: 'streaming',
        lagBytes: 0,
        lagSeconds: Math.max(0, lagSeconds - 1),
      },
    ],
    replicas: [],
  };
}

describe('ReplicationStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    async function createStore(retention?: {
      rawMs: number;
      rollupsMs: number;
    }) {
      knex = await databases.init(databaseId);
      return ReplicationStore.create({
        database: mockServices.database({ knex }),
        staleAfterMs: 30_000,
        retention,
      });
    }

    /** Writes one sample every `everyMs` over `spanMs` up to now; lag 1–5 s with a spike. */
    async function fill(
      store: ReplicationStore,
      options: { spanMs: number; everyMs: number; spikeAt: number },
    ) {
      for (let at = now.getTime() - options.spanMs; at <= now.getTime(); ) {
        await store.writeSample(
          sampleAt(
            at,
            at === options.spikeAt ? 500 : 1 + ((at / options.everyMs) % 5),
          ),
        );
        at += options.everyMs;
      }
    }

    function expectWellFormed(history: { t: string }[], windowMs: number) {
      expect(history.length).toBeLessThanOrEqual(500);
      const times = history.map(point => Date.parse(point.t));
      expect(times).toEqual([...times].sort((x, y) => x - y));
      expect(times[0]).toBeGreaterThanOrEqual(now.getTime() - windowMs);
      expect(times[times.length - 1]).toBeLessThanOrEqual(now.getTime());
    }

    it('answers a day from the 5-minute rollups and the hour from the raw rows, keeping each bucket maximum', async () => {
      const store = await createStore();
      const spikeAt = now.getTime() - 6 * HOUR;
      // starts an hour before the window, so the window bounds show
      await fill(store, { spanMs: 25 * HOUR, everyMs: MINUTE, spikeAt });
      await store.writeSample(
        sampleAt(now.getTime() - 24 * HOUR - MINUTE, 900),
      );

      const day = await store.getHistory(REF, '24h', now);
      expectWellFormed(day, DAY);
      // one point per 5-minute rollup
      expect(day.length).toBeGreaterThanOrEqual(288);
      expect(day.length).toBeLessThanOrEqual(289);
      expect(Math.max(...day.map(p => p.lagSeconds!))).toBe(500);
      expect(Math.max(...day.map(p => p.lagBytes!))).toBe(500 * 2 ** 33);
      expect(day.filter(p => p.lagSeconds === 500)).toEqual([
        expect.objectContaining({ lagBytes: 500 * 2 ** 33 }),
      ]);
      expect(
        day.every(
          p =>
            (p.lagSeconds! >= 1 && p.lagSeconds! <= 5) || p.lagSeconds === 500,
        ),
      ).toBe(true);

      const hour = await store.getHistory(REF, '1h', now);
      expectWellFormed(hour, HOUR);
      expect(hour).toHaveLength(61);
      expect(hour[hour.length - 1]).toEqual({
        t: expect.any(String),
        lagSeconds: 1 + ((now.getTime() / MINUTE) % 5),
        lagBytes: (1 + ((now.getTime() / MINUTE) % 5)) * 2 ** 33,
      });
    });

    it('answers the 7 and 30 day windows from the rollups', async () => {
      const store = await createStore();
      const spikeAt = now.getTime() - 20 * DAY;
      await fill(store, { spanMs: 31 * DAY, everyMs: 30 * MINUTE, spikeAt });

      const month = await store.getHistory(REF, '30d', now);
      expectWellFormed(month, 30 * DAY);
      // 90-minute buckets over 30 days, three samples each
      expect(month.length).toBeGreaterThan(470);
      expect(month.filter(p => p.lagSeconds === 500)).toHaveLength(1);

      const week = await store.getHistory(REF, '7d', now);
      expectWellFormed(week, 7 * DAY);
      // 25-minute buckets, narrower than the half-hourly samples: one each
      expect(week).toHaveLength(7 * 48 + 1);
      expect(week.some(p => p.lagSeconds === 500)).toBe(false);

      // no point for other regions
      expect(
        await store.getHistory('region:default/other', '30d', now),
      ).toEqual([]);
    });

    it('prunes raw samples after 48 hours and rollups after 35 days', async () => {
      const store = await createStore();
      for (const age of [36 * DAY, 34 * DAY, 49 * HOUR, 47 * HOUR]) {
        await store.writeSample(sampleAt(now.getTime() - age, 1));
      }

      await store.prune(now);

      const raw = await knex('region_replication_samples').select('sampled_at');
      expect(raw).toHaveLength(2); // the 47 h sample, two replicas
      const rollups = await knex('region_replication_rollups').select('bucket');
      expect(rollups).toHaveLength(3);
      expect(
        (await store.getHistory(REF, '30d', now)).map(p => p.lagSeconds),
      ).toEqual([1, 1]);
    });

    it('prunes by the configured retention', async () => {
      const store = await createStore({ rawMs: HOUR, rollupsMs: 2 * DAY });
      for (const age of [3 * DAY, 2 * HOUR, 30 * MINUTE]) {
        await store.writeSample(sampleAt(now.getTime() - age, 1));
      }

      await store.prune(now);

      expect(await knex('region_replication_samples')).toHaveLength(2);
      expect(await knex('region_replication_rollups')).toHaveLength(2);
    });
  });
});
