import { TestDatabases } from '@backstage/backend-test-utils';
import { FailoverPreflightCheck } from '@meridian/plugin-regions-common';
import knexFactory, { Knex } from 'knex';
import { PlanStore } from './PlanStore';

jest.setTimeout(60_000);

const EAST = 'region:default/us-east';
const WEST = 'region:default/us-west';
const CENTRAL = 'region:default/us-central';

const lagCheck = (passed: boolean): FailoverPreflightCheck => ({
  id: 'lag',
  title: 'Target lag within the limit',
  passed,
  detail: passed ? '0 B behind' : '3 MiB behind (limit 1 MiB)',
  forcible: true,
});

const at = (minute: number) =>
  new Date(Date.UTC(2026, 11, 9, 10, minute, 0, 0));

function validation(ok: boolean, minute: number, target = WEST) {
  return {
    region: EAST,
    target,
    ok,
    checks: [lagCheck(ok)],
    validatedAt: at(minute),
  };
}

describe('PlanStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let store: PlanStore;
    beforeEach(async () => {
      knex = await databases.init(databaseId);
      store = await PlanStore.create({
        database: { getClient: async () => knex },
      });
    });

    it('records a plan’s validations, moving since only when ok changes', async () => {
      expect(await store.recordValidation(validation(true, 0))).toEqual({
        validation: {
          region: EAST,
          target: WEST,
          ok: true,
          checks: [lagCheck(true)],
          validatedAt: at(0).toISOString(),
          since: at(0).toISOString(),
        },
        previousOk: null,
        changed: true,
      });
      expect(await store.recordValidation(validation(true, 30))).toMatchObject({
        validation: {
          validatedAt: at(30).toISOString(),
          since: at(0).toISOString(),
        },
        previousOk: true,
        changed: false,
      });
      expect(await store.recordValidation(validation(false, 60))).toMatchObject(
        {
          validation: { ok: false, since: at(60).toISOString() },
          previousOk: true,
          changed: true,
        },
      );
      expect(await store.listValidations({ region: EAST })).toEqual([
        {
          region: EAST,
          target: WEST,
          ok: false,
          checks: [lagCheck(false)],
          validatedAt: at(60).toISOString(),
          since: at(60).toISOString(),
        },
      ]);
    });

    it('lets one of two backend instances see a change of ok', async () => {
      // A second connection pool to the same database, as another instance has.
      const other =
        databaseId === 'POSTGRES_15' ? knexFactory(knex.client.config) : knex;
      try {
        const otherStore = await PlanStore.create({
          database: { getClient: async () => other },
        });
        const firsts = await Promise.all([
          store.recordValidation(validation(false, 0)),
          otherStore.recordValidation(validation(false, 0)),
        ]);
        expect(firsts.map(r => r.changed).sort()).toEqual([false, true]);

        const recoveries = await Promise.all([
          store.recordValidation(validation(true, 30)),
          otherStore.recordValidation(validation(true, 30)),
        ]);
        expect(recoveries.map(r => r.changed).sort()).toEqual([false, true]);
        expect(recoveries.map(r => r.previousOk).sort()).toEqual([false, true]);
      } finally {
        if (other !== knex) {
          await other.destroy();
        }
      }
    });

    it('lists the plans of a region or of a target, and drops those gone from the topology', async () => {
      await store.recordValidation(validation(true, 0, WEST));
      await store.recordValidation(validation(false, 0, CENTRAL));
      await store.recordValidation({
        ...validation(true, 0),
        region: WEST,
        target: EAST,
      });
      expect(
        (await store.listValidations({ region: EAST })).map(p => p.target),
      ).toEqual([CENTRAL, WEST]);
      expect(
        (await store.listValidations({ target: EAST })).map(p => p.region),
      ).toEqual([WEST]);

      await store.retainValidations([{ region: EAST, target: WEST }]);
      expect(
        (await store.listValidations()).map(p => [p.region, p.target]),
      ).toEqual([[EAST, WEST]]);
    });

    it('records automatic failover decisions and lists a region’s newest first', async () => {
      await store.recordAutomaticDecision({
        region: EAST,
        target: WEST,
        action: 'held',
        reason: 'us-east-api was down for 1 of 3 checks',
        at: at(1),
      });
      await store.recordAutomaticDecision({
        region: EAST,
        target: WEST,
        action: 'would-start',
        reason: 'would have failed over: us-east-api was down for 3 checks',
        at: at(3),
      });
      const started = await store.recordAutomaticDecision({
        region: WEST,
        target: null,
        action: 'started',
        reason: 'every probe down',
        runId: 'run-1',
        at: at(2),
      });
      expect(started).toEqual({
        region: WEST,
        target: null,
        at: at(2).toISOString(),
        action: 'started',
        reason: 'every probe down',
        runId: 'run-1',
      });
      expect(await store.listAutomaticDecisions(EAST, 10)).toEqual([
        {
          region: EAST,
          target: WEST,
          at: at(3).toISOString(),
          action: 'would-start',
          reason: 'would have failed over: us-east-api was down for 3 checks',
          runId: null,
        },
        expect.objectContaining({ action: 'held', at: at(1).toISOString() }),
      ]);
      expect(
        (await store.listAutomaticDecisions(EAST, 1)).map(d => d.action),
      ).toEqual(['would-start']);
    });
  });
});
