import { TestDatabases } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/config';
import { PlanResponse } from '@meridian/plugin-regions-common';
import {
  usEastWestPair,
  US_EAST as EAST,
  US_WEST as WEST,
} from '../__testUtils__/region';
import {
  recordingNotifications,
  startRegionsTestBackend,
} from '../__testUtils__/regionsBackend';
import { useLabPair, eastWestDatabases } from '../__testUtils__/labPair';
import { CATALOG_SYNC_TASK_ID } from '../catalog/syncRegionsFromCatalog';
import { REPLICATION_COLLECTOR_TASK_ID } from '../collectors/replication/ReplicationCollector';
import { PlanStore } from '../database/PlanStore';
import { applicationWrite } from '../failover/testing/failoverStack';
import { PLAN_VALIDATION_TASK_ID } from '../failover/validation/schedule';
import { READINESS_EVALUATION_TASK_ID } from '../readiness/config';

/*
 * The plan route and the scheduled validation through the plugin as the
 * backend wires them, on a real PostgreSQL pair.
 */

jest.setTimeout(120_000);

const [usEast, usWest] = usEastWestPair();

describe('the plan route', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const lab = useLabPair();

  async function startRegionsBackend(regionsConfig: JsonObject = {}) {
    const knex = await databases.init('SQLITE_3');
    const notifications = recordingNotifications();
    const { get, runTask, taskOf } = await startRegionsTestBackend({
      knex,
      entities: [usEast, usWest],
      config: {
        regions: { databases: eastWestDatabases(lab()), ...regionsConfig },
      },
      features: [notifications.factory],
    });
    const sent = notifications.sent;
    await runTask(CATALOG_SYNC_TASK_ID);
    await runTask(REPLICATION_COLLECTOR_TASK_ID);
    const plans = await PlanStore.create({
      database: { getClient: async () => knex },
    });
    return { get, runTask, taskOf, sent, plans };
  }

  it('answers the validated plan of a primary with the automatic policy’s decisions, and none for its standby', async () => {
    const { get, runTask, taskOf, sent, plans } = await startRegionsBackend({
      readiness: { threshold: 0 },
      failover: {
        automatic: { enabled: true, regions: [EAST], consecutiveChecks: 2 },
      },
    });
    expect(taskOf(PLAN_VALIDATION_TASK_ID)).toMatchObject({
      frequency: { minutes: 30 },
      initialDelay: { seconds: 30 },
      scope: 'global',
    });
    const before = await get('/regions/default/us-east/plan');
    expect(before.body).toMatchObject({ ok: null, plans: [] });

    await runTask(PLAN_VALIDATION_TASK_ID);
    const decision = await plans.recordAutomaticDecision({
      region: EAST,
      target: WEST,
      action: 'would-start',
      reason: 'would have failed over: us-east-db does not answer',
    });
    const east = await get('/regions/default/us-east/plan');
    expect(east.status).toBe(200);
    const answer: PlanResponse = east.body;
    expect(answer).toEqual({
      region: EAST,
      validatedAt: answer.plans[0].validatedAt,
      ok: true,
      checks: answer.plans[0].checks,
      plans: [
        {
          region: EAST,
          target: WEST,
          validatedAt: expect.any(String),
          ok: true,
          checks: expect.arrayContaining([
            expect.objectContaining({ id: 'target-healthy', passed: true }),
            expect.objectContaining({ id: 'lag', passed: true }),
          ]),
          since: answer.plans[0].validatedAt,
        },
      ],
      automatic: { enabled: true, dryRun: true, decisions: [decision] },
    });
    expect(sent).toEqual([]);
    expect(await applicationWrite(lab().primary)).toBe('committed');

    expect((await get('/regions/default/us-west/plan')).body).toEqual({
      region: WEST,
      validatedAt: null,
      ok: null,
      checks: [],
      plans: [],
      automatic: { enabled: false, dryRun: true, decisions: [] },
    });
    expect((await get('/regions/default/us-gone/plan')).status).toBe(404);
    expect((await get('/regions/default/Not_A_Name!/plan')).status).toBe(400);

    // the readiness of both regions counts the validated plan
    await runTask(READINESS_EVALUATION_TASK_ID);
    for (const name of ['us-east', 'us-west']) {
      const readiness = await get(`/regions/default/${name}/readiness`);
      const backupDr = readiness.body.categories.find(
        (c: { id: string }) => c.id === 'backup-dr',
      );
      expect([name, backupDr.checks]).toEqual([
        name,
        expect.arrayContaining([
          expect.objectContaining({
            id: 'failover-plan-validated',
            result: 'passed',
          }),
        ]),
      ]);
    }
  });

  it('validates as often as configured, counts a forcible check as failing, and tells both regions’ owners', async () => {
    const { get, runTask, taskOf, sent } = await startRegionsBackend({
      readiness: { threshold: 100 },
      failover: { validation: { frequency: { minutes: 5 } } },
    });
    expect(taskOf(PLAN_VALIDATION_TASK_ID).frequency).toEqual({ minutes: 5 });

    // us-west scores below 100: a run would need force
    await runTask(PLAN_VALIDATION_TASK_ID);
    const { body } = await get('/regions/default/us-east/plan');
    expect(body).toMatchObject({ ok: false });
    expect(body.checks.filter((c: { passed: boolean }) => !c.passed)).toEqual([
      expect.objectContaining({ id: 'readiness', forcible: true }),
    ]);
    expect(sent).toEqual([
      {
        recipients: { type: 'entity', entityRef: [EAST, WEST] },
        payload: expect.objectContaining({
          title: 'Failover plan us-east → us-west fails its pre-flight',
          topic: 'regions-plan',
          severity: 'high',
        }),
      },
    ]);

    // the standby's readiness does not hold itself down through that gate
    await runTask(READINESS_EVALUATION_TASK_ID);
    const readiness = await get('/regions/default/us-west/readiness');
    expect(
      readiness.body.categories
        .flatMap((c: { checks: { id: string }[] }) => c.checks)
        .find((c: { id: string }) => c.id === 'failover-plan-validated'),
    ).toMatchObject({
      result: 'passed',
      evidence: expect.stringContaining('but the readiness gate'),
    });
  });
});
