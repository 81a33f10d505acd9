import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config, ConfigReader, JsonObject } from '@backstage/config';
import { InputError, toError } from '@backstage/errors';

/**
 * Reads a task's schedule from the config block at `key`, each scheduler key
 * it leaves out taken from `defaults`. `ownKeys` are the block's keys that
 * belong to the task itself (a retention, a concurrency), not the scheduler.
 * Always global in scope, so that of several backend instances one runs each
 * tick.
 */
export function readGlobalSchedule(
  config: Config,
  key: string,
  defaults: JsonObject,
  ownKeys: string[] = [],
): SchedulerServiceTaskScheduleDefinition {
  const configured = { ...config.getOptionalConfig(key)?.get<JsonObject>() };
  for (const own of ownKeys) {
    delete configured[own];
  }
  let schedule: SchedulerServiceTaskScheduleDefinition;
  try {
    schedule = readSchedulerServiceTaskScheduleDefinitionFromConfig(
      new ConfigReader({ ...defaults, ...configured }),
    );
  } catch (error) {
    // the scheduler's reader names the key inside the block only
    throw new InputError(`${key}: ${toError(error).message}`);
  }
  return { ...schedule, scope: 'global' };
}
