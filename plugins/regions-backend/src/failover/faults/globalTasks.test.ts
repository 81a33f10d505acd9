import { startHealthEndpoint } from '../../__testUtils__/healthEndpoint';
import { eastWestDatabases } from '../../__testUtils__/labPair';
import { DefaultSchedulerService } from '@backstage/backend-defaults/scheduler';
import {
  coreServices,
  createServiceFactory,
  SchedulerService,
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
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
import {
  usEastWestPair,
  US_EAST as EAST,
  US_WEST as WEST,
} from '../../__testUtils__/region';
import {
  HEALTH_NOTIFICATION_TOPIC,
  PROBE_COLLECTOR_TASK_ID,
} from '../../collectors/probes/ProbeCollector';
import { REPLICATION_COLLECTOR_TASK_ID } from '../../collectors/replication/ReplicationCollector';
import { regionsPlugin } from '../../plugin';
import { PostgresPair, startPostgresPair } from '../../testing/postgresLab';
import { AUTOMATIC_FAILOVER_TASK_ID } from '../automatic/AutomaticFailover';
import { FAILOVER_RECOVERY_TASK_ID } from '../FailoverOrchestrator';
import { eventually } from '../testing/eventually';
import { PLAN_NOTIFICATION_TOPIC } from '../validation/planNotifications';
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

/** One run of a scheduled task, as the instance that ran it saw it start. */
interface RecordedTaskRun {
  /** The backend instance that ran it. */
  instance: string;
  taskId: string;
  /**
   * The tick it ran for: the task's `next_run_start_at` in the scheduler's
   * table while the run holds the task (the scheduler moves it on only when
   * the run ends). Absent for a task that is not in that table: a local one.
   */
  tick?: string;
}

// The scheduler's own table (@backstage/backend-defaults), read, never written.
const SCHEDULER_TASKS_TABLE = 'backstage_backend_tasks__tasks';

/**
 * The real scheduler (DefaultSchedulerService, global tasks locked in the
 * plugin's database) with each task run recorded in `runs` as it starts,
 * tagged with `instance`: for tests that start several backend instances on
 * one database and count how often each tick ran.
 */
function tickRecordingSchedulerFactory(
  instance: string,
  runs: RecordedTaskRun[],
) {
  return createServiceFactory({
    service: coreServices.scheduler,
    deps: {
      database: coreServices.database,
      logger: coreServices.logger,
      rootLifecycle: coreServices.rootLifecycle,
      httpRouter: coreServices.httpRouter,
      pluginMetadata: coreServices.pluginMetadata,
      metrics: metricsServiceRef,
    },
    async factory(deps): Promise<SchedulerService> {
      const scheduler = DefaultSchedulerService.create(deps);
      const knex = await deps.database.getClient();
      const scheduleTask = (
        task: SchedulerServiceTaskScheduleDefinition &
          SchedulerServiceTaskInvocationDefinition,
      ) =>
        scheduler.scheduleTask({
          ...task,
          fn: async signal => {
            const row = await knex(SCHEDULER_TASKS_TABLE)
              .where({ id: task.id })
              .first('next_run_start_at');
            runs.push({
              instance,
              taskId: task.id,
              ...(row
                ? { tick: new Date(row.next_run_start_at).toISOString() }
                : {}),
            });
            await task.fn(signal);
          },
        });
      return {
        triggerTask: id => scheduler.triggerTask(id),
        cancelTask: id => scheduler.cancelTask(id),
        getScheduledTasks: () => scheduler.getScheduledTasks(),
        scheduleTask,
        createScheduledTaskRunner: schedule => ({
          run: task => scheduleTask({ ...schedule, ...task }),
        }),
      };
    },
  });
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
    const endpoint = await startHealthEndpoint({ status: 503 });
    const runs: RecordedTaskRun[] = [];
    const sent: Parameters<NotificationService['send']>[0][] = [];
    const config: JsonObject = {
      regions: {
        databases: eastWestDatabases(pair),
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
    const noticesOf = (topic: string) =>
      sent.filter(notice => notice.payload.topic === topic);
    const decisionRows = () =>
      knexA('region_automatic_decisions')
        .select('region_ref', 'action', 'reason')
        .orderBy('id');
    try {
      await eventually(
        async () =>
          Object.entries(RUNS_TO_SEE).every(
            ([taskId, count]) => runsOf(taskId).length >= count,
          ) &&
          noticesOf(HEALTH_NOTIFICATION_TOPIC).length > 0 &&
          /database still answers/.test((await decisionRows()).pop()?.reason),
        {
          timeoutMs: 150_000,
          what: 'runs of every task, the probe down and the policy holding back',
          describe: async () =>
            JSON.stringify({
              runs: Object.keys(RUNS_TO_SEE).map(id => [id, runsOf(id).length]),
              decisions: await decisionRows(),
            }),
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
    const [{ count: checks }] = await knexA('region_probe_checks').count({
      count: '*',
    });
    expect(Number(checks)).toBeGreaterThan(0);
    expect(Number(checks)).toBeLessThanOrEqual(endpoint.requests());
    expect(endpoint.requests()).toBeLessThanOrEqual(
      runsOf(PROBE_COLLECTOR_TASK_ID).length,
    );
    expect(
      noticesOf(HEALTH_NOTIFICATION_TOPIC).map(n => n.payload.title),
    ).toEqual(['Probe us-east-api of us-east is down']);

    // One validation per plan, however many ticks validated it; a notice
    // only when its outcome changed.
    const validations = await knexA('region_plan_validations').select(
      'region_ref',
      'target_ref',
    );
    expect(validations.map(v => [v.region_ref, v.target_ref])).toEqual([
      [EAST, WEST],
    ]);
    expect(
      repeats(noticesOf(PLAN_NOTIFICATION_TOPIC).map(n => n.payload.title)),
    ).toEqual([]);

    // A decision of the automatic failover policy when it changes (the
    // database's position aside), told once: not one per tick or instance.
    const decisions = (await decisionRows()).map(
      d =>
        `${d.action}: ${d.reason.replace(/at [0-9A-F]+\/[0-9A-F]+/, 'at …')}`,
    );
    expect(repeats(decisions)).toEqual([]);
    expect(decisions[decisions.length - 1]).toMatch(
      /^held: .*database still answers/,
    );
    expect(noticesOf('regions-automatic-failover')).toHaveLength(
      decisions.length,
    );
  });
});

/** The entries equal to the one before them. */
function repeats(values: string[]): string[] {
  return values.filter((value, i) => i > 0 && values[i - 1] === value);
}
