import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { RegionEntity } from '@meridian/plugin-regions-common';
import { Knex } from 'knex';
import { ReadinessCheckContext } from '@meridian/plugin-regions-node';
import { region } from '../../__testUtils__/region';
import {
  ReplicationSample,
  ReplicationStore,
} from '../../database/ReplicationStore';
import { createLagWithinRpoCheck } from './backupDr';
import { createReplicationObservedCheck } from './observability';

jest.setTimeout(120_000);

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const now = new Date('2026-12-01T12:00:00.000Z');
const STALE_AFTER_MS = 30 * SECOND;
const INTERVAL_MS = 10 * SECOND;

const sul = region(
  'studio-sul',
  {
    replication: {
      role: 'warm-standby',
      mode: 'streaming',
      source: 'studio-primary',
      rpoSeconds: 60,
    },
  },
  { annotations: { 'meridian.dev/database': 'studio-sul-db' } },
);
const REF = stringifyEntityRef(sul);

function sample(at: number, lagSeconds: number | null): ReplicationSample {
  return {
    regionRef: REF,
    sampledAt: new Date(at),
    status: lagSeconds === null ? 'unknown' : 'ok',
    reason: lagSeconds === null ? 'lag unknown' : `${lagSeconds} s behind`,
    source: 'postgres',
    database: 'studio-sul-db',
    lagBytes: null,
    lagSeconds,
    rows: [{ replica: '', state: 'streaming', lagBytes: null, lagSeconds }],
    replicas: [],
    observedRole: 'standby',
  };
}

function contextOf(at: Date = now): ReadinessCheckContext {
  return {
    region: sul,
    regionRef: REF,
    conflicts: [],
    regions: [sul],
    syncedAt: at,
    now: at,
    signal: new AbortController().signal,
  };
}

describe('replication readiness checks', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let store: ReplicationStore;
    let knex: Knex;
    beforeEach(async () => {
      knex = await databases.init(databaseId);
      store = await ReplicationStore.create({
        database: mockServices.database({ knex }),
        staleAfterMs: STALE_AFTER_MS,
      });
    });

    /**
     * The raw rows of one sample every 10 s over `spanMs` up to now; `lagAt`
     * picks each lag. Inserted in bulk: a day of writeSample calls takes minutes.
     */
    async function fill(spanMs: number, lagAt: (i: number) => number | null) {
      const count = Math.floor(spanMs / INTERVAL_MS);
      const rows = Array.from({ length: count }, (_, i) => ({
        region_ref: REF,
        replica: '',
        sampled_at: new Date(now.getTime() - (count - 1 - i) * INTERVAL_MS),
        state: 'streaming',
        lag_seconds: lagAt(i),
      }));
      await knex.batchInsert('region_replication_samples', rows, 100);
      return count;
    }

    describe('replication-observed', () => {
      const check = (observed: boolean) =>
        createReplicationObservedCheck({
          store,
          sourceOf: (r: RegionEntity) =>
            observed && r.metadata.name === 'studio-sul'
              ? 'postgres'
              : undefined,
          staleAfterMs: STALE_AFTER_MS,
        });

      it('passes a fresh sample, with what the source saw', async () => {
        await store.writeSample(sample(now.getTime() - 5 * SECOND, 2));
        expect(await check(true).evaluate(contextOf())).toEqual({
          result: 'passed',
          evidence: "sampled by 'postgres' from studio-sul-db: 2 s behind",
          evidenceAt: new Date(now.getTime() - 5 * SECOND),
        });
      });

      it('fails a stale sample and a failed one', async () => {
        await store.writeSample(sample(now.getTime() - 5 * MINUTE, 2));
        expect(await check(true).evaluate(contextOf())).toMatchObject({
          result: 'failed',
          evidence:
            "the last sample by 'postgres' is 5 min old (stale after 30 s)",
        });

        await store.writeSample({
          ...sample(now.getTime() - SECOND, null),
          reason: 'database studio-sul-db: connection refused',
          rows: [],
        });
        expect(await check(true).evaluate(contextOf())).toMatchObject({
          result: 'failed',
          evidence:
            "source 'postgres' could not judge the replication: database studio-sul-db: connection refused",
        });
      });

      it('fails a region no source observes, naming its database', async () => {
        expect(await check(false).evaluate(contextOf())).toMatchObject({
          result: 'failed',
          evidence:
            'no replication source observes the region: the database "studio-sul-db" is not configured under regions.databases',
        });
      });

      it('is unknown before the first sample, and left out for backups', async () => {
        expect(await check(true).evaluate(contextOf())).toMatchObject({
          result: 'unknown',
          evidence: "source 'postgres' has not sampled the region yet",
        });
        const backups = region('studio-ne', {
          replication: { role: 'cold-standby', mode: 'backup' },
        });
        expect(check(true).appliesTo!(backups)).toBe(false);
        expect(check(true).appliesTo!(region('studio-n'))).toBe(false);
      });
    });

    describe('lag-within-rpo', () => {
      const check = () =>
        createLagWithinRpoCheck({ store, sampleIntervalMs: INTERVAL_MS });

      it('passes a day with 99.5 % of the samples within the RPO', async () => {
        // 8,640 samples; one in 200 spikes to 90 s
        const count = await fill(24 * HOUR, i => (i % 200 === 0 ? 90 : 3));
        expect(count).toBe(8640);
        expect(await check().evaluate(contextOf())).toEqual({
          result: 'passed',
          evidence:
            'lag within RPO 60 s in 99.5 % of 8640 samples over the last 1 d',
          evidenceAt: now,
          observed: {
            from: new Date(now.getTime() - 24 * HOUR + INTERVAL_MS),
            to: now,
          },
        });
      });

      it('fails a day with 2 % of the samples over the RPO', async () => {
        await fill(24 * HOUR, i => (i % 50 === 0 ? 61 : 3));
        expect(await check().evaluate(contextOf())).toMatchObject({
          result: 'failed',
          evidence:
            'lag within RPO 60 s in 98 % of 8640 samples over the last 1 d',
        });
      });

      it('counts a sample with a replica of unknown lag as not within', async () => {
        await fill(24 * HOUR, i => (i % 50 === 0 ? null : 3));
        expect(await check().evaluate(contextOf())).toMatchObject({
          result: 'failed',
          evidence: expect.stringContaining('in 98 % of 8640 samples'),
        });
      });

      it('counts the samples the source missed as not within the RPO', async () => {
        // a day of samples all within the RPO, but with the source down for
        // the 6 hours in the middle: no sample was taken then
        const count = Math.floor((24 * HOUR) / INTERVAL_MS);
        const outage = (i: number) =>
          i >= count / 2 - (3 * HOUR) / INTERVAL_MS &&
          i < count / 2 + (3 * HOUR) / INTERVAL_MS;
        const rows = Array.from({ length: count }, (_, i) => i)
          .filter(i => !outage(i))
          .map(i => ({
            region_ref: REF,
            replica: '',
            sampled_at: new Date(now.getTime() - (count - 1 - i) * INTERVAL_MS),
            state: 'streaming',
            lag_seconds: 3,
          }));
        await knex.batchInsert('region_replication_samples', rows, 100);

        expect(await check().evaluate(contextOf())).toMatchObject({
          result: 'failed',
          evidence:
            'lag within RPO 60 s in 75 % of 8640 samples (2160 missed: the source did not answer) over the last 1 d',
        });
      });

      it('is unknown without samples', async () => {
        expect(await check().evaluate(contextOf())).toMatchObject({
          result: 'unknown',
          evidence: 'no replication sample in the last 1 d',
        });
      });

      it('passes an hour within the RPO for a share of its weight, saying how much and until when', async () => {
        await fill(HOUR, () => 3);
        const verdict = await check().evaluate(contextOf());
        expect(verdict).toMatchObject({
          result: 'passed',
          // (60 min - 10 s) of the 24 h wanted, rounded down
          credit: 0.04,
          evidence:
            'lag within RPO 60 s in 100 % of 360 samples over the 60 min observed; 1 d of observation earn full credit, so this earns 4 % of it (full in 23 h)',
        });
        expect(verdict.observed).toEqual({
          from: new Date(now.getTime() - HOUR + INTERVAL_MS),
          to: now,
        });
      });

      it('earns full credit once the configured evidence span is observed', async () => {
        await fill(10 * MINUTE, () => 3);
        const graded = createLagWithinRpoCheck({
          store,
          sampleIntervalMs: INTERVAL_MS,
          fullEvidenceMs: 5 * MINUTE,
        });
        expect(graded.title).toBe('Lag within RPO for 99 % of 5 min observed');
        const verdict = await graded.evaluate(contextOf());
        expect(verdict).toMatchObject({
          result: 'passed',
          evidence:
            'lag within RPO 60 s in 100 % of 60 samples over the last 9.8 min',
        });
        expect(verdict.credit).toBeUndefined();

        const stricter = createLagWithinRpoCheck({
          store,
          sampleIntervalMs: INTERVAL_MS,
          fullEvidenceMs: 40 * MINUTE,
        });
        expect(await stricter.evaluate(contextOf())).toMatchObject({
          result: 'passed',
          credit: 0.24,
        });
      });

      it('takes one late tick on a short span for jitter, not an outage', async () => {
        await fill(10 * MINUTE, () => 3);
        await knex('region_replication_samples')
          .where({ sampled_at: new Date(now.getTime() - 30 * INTERVAL_MS) })
          .delete();
        const graded = createLagWithinRpoCheck({
          store,
          sampleIntervalMs: INTERVAL_MS,
          fullEvidenceMs: 5 * MINUTE,
        });
        expect(await graded.evaluate(contextOf())).toMatchObject({
          result: 'passed',
          evidence:
            'lag within RPO 60 s in 100 % of 59 samples over the last 9.8 min',
        });
      });

      it('fails less than a day of samples that already misses the bar', async () => {
        await fill(HOUR, i => (i % 10 === 0 ? 120 : 3));
        expect(await check().evaluate(contextOf())).toMatchObject({
          result: 'failed',
          evidence:
            'lag within RPO 60 s in 90 % of 360 samples over the 60 min observed so far',
        });
      });
    });
  });
});
