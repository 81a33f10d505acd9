import { DefaultSchedulerService } from '@backstage/backend-defaults/scheduler';
import {
  coreServices,
  createServiceFactory,
  SchedulerService,
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';

/** One run of a scheduled task, as the instance that ran it saw it start. */
export interface RecordedTaskRun {
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
export function tickRecordingSchedulerFactory(
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
