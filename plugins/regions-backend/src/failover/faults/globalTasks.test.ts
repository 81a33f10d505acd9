import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationService,
  notificationService,
} from '@backstage/plugin-notifications-node';
import knexFactory, { Knex } from 'knex';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  usEastWestPair,
  US_EAST as EAST,
  US_WEST as WEST,
} from '../../__testUtils__/region';
import { PROBE_COLLECTOR_TASK_ID } from '../../collectors/probes/ProbeCollector';
import { REPLICATION_COLLECTOR_TASK_ID } from '../../collectors/replication/ReplicationCollector';
import { regionsPlugin } from '../../plugin';
import { PostgresPair, startPostgresPair } from '../../testing/postgresLab';
import {
  RecordedTaskRun,
  tickRecordingSchedulerFactory,
} from '../../testing/tickRecordingScheduler';
import { AUTOMATIC_FAILOVER_TASK_ID } from '../automatic/AutomaticFailover';
import { FAILOVER_RECOVERY_TASK_ID } from '../FailoverOrchestrator';
import { eventually } from '../testing/eventually';
import { labDatabases } from '../testing/failoverStack';
import { PLAN_VALIDATION_TASK_ID } from '../validation/schedule';

/*
 * Two backend instances — the plugin as the backend wires it, each with its
 * own connection pool and the real scheduler — on one PostgreSQL database,
 * watching a real PostgreSQL pair whose front door answers 503. Every global
 * task runs once per tick across both (each tick, as the scheduler's table
 * names it, is run by one instance), and what the ticks leave in the stores
 * and inboxes is what one instance would leave: one probe check per round,
 * one validation per plan, one automatic failover decision and one notice
 * per change.
 */

jest.setTimeout(240_000);

const regions = usEastWestPair();
const fast = { frequency: { seconds: 1 }, initialDelay: { seconds: 0 } };

/** How many runs of each task to wait for (the recovery task ticks every 15 s). */
const RUNS_TO_SEE: Record<string, number> = {
  [PROBE_COLLECTOR_TASK_ID]: 4,
  [REPLICATION_COLLECTOR_TASK_ID]: 4,
  [PLAN_VALIDATION_TASK_ID]: 4,
  [AUTOMATIC_FAILOVER_TASK_ID]: 4,
  [FAILOVER_RECOVERY_TASK_ID]: 2,
};

/** The region's front door: answers 503 to every probe, and counts them. */
async function startFailingEndpoint() {
  let requests = 0;
  const server = http.createServer((_req, res) => {
    requests++;
    res.statusCode = 503;
    res.end('unavailable');
  });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/healthz`,
    requests: () => requests,
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('global tasks of two backend instances on one PostgreSQL', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let pair: PostgresPair;
  let knexA: Knex;
  let knexB: Knex;

  beforeEach(async () => {
    pair = await startPostgresPair({ names: ['east', 'west'] });
    knexA = await databases.init('POSTGRES_15');
    knexB = knexFactory(knexA.client.config);
  });
  afterEach(async () => {
    await knexB?.destroy();
    await pair?.stop();
  });

  it('runs the probe round, plan validation, automatic failover and alerts once per tick across both', async () => {
    const endpoint = await startFailingEndpoint();
    const runs: RecordedTaskRun[] = [];
    const sent: Parameters<NotificationService['send']>[0][] = [];
    const config: JsonObject = {
      regions: {
        databases: labDatabases({
          'us-east-db': { node: pair.primary, region: EAST },
          'us-west-db': { node: pair.standby, region: WEST },
        }),
        probes: {
          'us-east-api': {
            url: endpoint.url,
            region: EAST,
            interval: { seconds: 1 },
            timeoutMs: 500,
          },
        },
        readiness: { threshold: 0 },
        collectors: { catalog: fast, replication: fast },
        failover: {
          validation: { frequency: { seconds: 1 } },
          automatic: {
            enabled: true,
            dryRun: true,
            regions: [EAST],
            consecutiveChecks: 2,
            frequency: { seconds: 1 },
          },
        },
      },
    };
    const startInstance = (name: string, knex: Knex) =>
      startTestBackend({
        features: [
          regionsPlugin,
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({ entities: regions }),
          mockServices.rootConfig.factory({ data: config }),
          tickRecordingSchedulerFactory(name, runs),
          createServiceFactory({
            service: notificationService,
            deps: {},
            factory: () => ({
              send: async notice => {
                sent.push(notice);
              },
            }),
          }),
        ],
      });
    // One after the other: the second finds the schema migrated.
    const instances = [
      await startInstance('a', knexA),
      await startInstance('b', knexB),
    ];
    const runsOf = (taskId: string) => runs.filter(r => r.taskId === taskId);
    const decisionRows = () =>
      knexA('region_automatic_decisions').select('region_ref', 'action');
    try {
      await eventually(
        async () =>
          Object.entries(RUNS_TO_SEE).every(
            ([taskId, count]) => runsOf(taskId).length >= count,
          ) && (await decisionRows()).length > 0,
        {
          timeoutMs: 150_000,
          what: 'runs of every task and an automatic failover decision',
          describe: async () =>
            JSON.stringify(
              Object.keys(RUNS_TO_SEE).map(id => [id, runsOf(id).length]),
            ),
        },
      );
    } finally {
      await Promise.all(instances.map(instance => instance.stop()));
      await endpoint.stop();
    }

    // Every tick of every task was run by one instance: global tasks, each
    // tick claimed once in the scheduler's table.
    expect(runs.filter(run => run.tick === undefined)).toEqual([]);
    const runsPerTick = new Map<string, RecordedTaskRun[]>();
    for (const run of runs) {
      const key = `${run.taskId} @ ${run.tick}`;
      runsPerTick.set(key, [...(runsPerTick.get(key) ?? []), run]);
    }
    expect(
      [...runsPerTick.entries()].filter(([, same]) => same.length > 1),
    ).toEqual([]);

    // One probe check per round at most, stored once: not one per instance.
    const probeRounds = runsOf(PROBE_COLLECTOR_TASK_ID).length;
    const [{ count: checks }] = await knexA('region_probe_checks').count({
      count: '*',
    });
    expect(Number(checks)).toBeGreaterThanOrEqual(RUNS_TO_SEE[PROBE_COLLECTOR_TASK_ID] - 1);
    expect(Number(checks)).toBeLessThanOrEqual(endpoint.requests());
    expect(endpoint.requests()).toBeLessThanOrEqual(probeRounds);

    // One validation per plan, however many ticks validated it.
    const validations = await knexA('region_plan_validations').select(
      'region_ref',
      'target_ref',
      'ok',
    );
    expect(validations.map(v => [v.region_ref, v.target_ref])).toEqual([
      [EAST, WEST],
    ]);

    // One decision of the automatic failover policy (it held back: the
    // database answers) and one notice per change, not one per tick or instance.
    expect(await decisionRows()).toEqual([
      { region_ref: EAST, action: 'held' },
    ]);
    const topics = sent.map(notice => notice.payload.topic);
    expect(topics.filter(t => t === 'regions-automatic-failover')).toHaveLength(1);
    expect(topics.filter(t => t === 'regions-health')).toHaveLength(1); // the probe went down
    expect(topics.filter(t => t === 'regions-plan')).toHaveLength(
      validations[0].ok ? 0 : 1,
    );
  });
});
