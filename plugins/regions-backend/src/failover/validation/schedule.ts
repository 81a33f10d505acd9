import { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';

/** The scheduler task id of the plan validation. */
export const PLAN_VALIDATION_TASK_ID = 'regions-plan-validation';

const FREQUENCY_KEY = 'regions.failover.validation.frequency';

const DEFAULT_FREQUENCY: HumanDuration = { minutes: 30 };

/**
 * The plan validation's schedule: `regions.failover.validation.frequency`
 * (default every 30 minutes), first run half a minute after start — once
 * the catalog is synced and the replication collector has said which node
 * is primary. Global: one backend instance validates per tick.
 */
export function readPlanValidationSchedule(
  config: Config,
): SchedulerServiceTaskScheduleDefinition {
  const frequency = config.has(FREQUENCY_KEY)
    ? readDurationFromConfig(config, { key: FREQUENCY_KEY })
    : DEFAULT_FREQUENCY;
  if (!(durationToMilliseconds(frequency) > 0)) {
    throw new Error(
      `${FREQUENCY_KEY} must be a duration above zero, got ${JSON.stringify(
        config.get(FREQUENCY_KEY),
      )}`,
    );
  }
  return {
    frequency,
    timeout: { minutes: 5 },
    initialDelay: { seconds: 30 },
    scope: 'global',
  };
}
