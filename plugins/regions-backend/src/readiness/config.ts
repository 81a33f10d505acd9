import { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { InputError } from '@backstage/errors';
import {
  READINESS_CATEGORIES,
  ReadinessCategoryId,
} from '@meridian/plugin-regions-common';
import { ReadinessCheck } from '@meridian/plugin-regions-node';
import { readGlobalSchedule } from '../lib/globalSchedule';

/** The scheduler task id of the readiness evaluation. */
export const READINESS_EVALUATION_TASK_ID = 'regions-readiness-evaluation';

/** The seed plan's bar: a region is ready from 94 %. */
export const DEFAULT_READINESS_THRESHOLD = 94;

const SCHEDULE_CONFIG_KEY = 'regions.collectors.readiness';

// After the first catalog sync (3 s) and replication sample (5 s).
const DEFAULT_SCHEDULE = {
  frequency: { minutes: 5 },
  timeout: { minutes: 2 },
  initialDelay: { seconds: 20 },
};

/** How the scorecard is weighed and where a region counts as ready. */
export interface ReadinessSettings {
  /** 0–100. */
  threshold: number;
  /** Configured category weights; a category without one weighs 1. */
  categoryWeights: Partial<Record<ReadinessCategoryId, number>>;
  /** Configured check weights, by check id; a check without one weighs its own `weight` or 1. */
  checkWeights: Record<string, number>;
}

/**
 * Reads the evaluation's schedule from `regions.collectors.readiness`, with
 * defaults (every 5 minutes). Global, so one backend instance evaluates per tick.
 */
export function readReadinessSchedule(
  config: Config,
): SchedulerServiceTaskScheduleDefinition {
  return readGlobalSchedule(config, SCHEDULE_CONFIG_KEY, DEFAULT_SCHEDULE);
}

function readWeight(config: Config, key: string, path: string): number {
  const value = config.getNumber(key);
  if (!Number.isFinite(value) || value < 0) {
    throw new InputError(
      `${path}.${key} must be a number of at least 0, got ${value}`,
    );
  }
  return value;
}

/**
 * Reads `regions.readiness`: the threshold and the weights. Throws naming the
 * key and value for a threshold outside 0–100, a negative weight, or a weight
 * for a category or check that does not exist.
 */
export function readReadinessSettings(
  config: Config,
  checks: ReadinessCheck[],
): ReadinessSettings {
  const readiness = config.getOptionalConfig('regions.readiness');
  const threshold =
    readiness?.getOptionalNumber('threshold') ?? DEFAULT_READINESS_THRESHOLD;
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 100) {
    throw new InputError(
      `regions.readiness.threshold must be between 0 and 100, got ${threshold}`,
    );
  }

  const categoriesPath = 'regions.readiness.weights.categories';
  const categoryConfig = readiness?.getOptionalConfig('weights.categories');
  const categoryWeights: Partial<Record<ReadinessCategoryId, number>> = {};
  for (const key of categoryConfig?.keys() ?? []) {
    if (!READINESS_CATEGORIES.includes(key as ReadinessCategoryId)) {
      throw new InputError(
        `${categoriesPath}.${key}: "${key}" is not a readiness category; use one of ${READINESS_CATEGORIES.join(
          ', ',
        )}`,
      );
    }
    categoryWeights[key as ReadinessCategoryId] = readWeight(
      categoryConfig!,
      key,
      categoriesPath,
    );
  }

  const checksPath = 'regions.readiness.weights.checks';
  const checkConfig = readiness?.getOptionalConfig('weights.checks');
  const known = new Set(checks.map(check => check.id));
  const checkWeights: Record<string, number> = {};
  for (const key of checkConfig?.keys() ?? []) {
    if (!known.has(key)) {
      throw new InputError(
        `${checksPath}.${key}: "${key}" is not a readiness check of this backend; its checks are ${[
          ...known,
        ].join(', ')}`,
      );
    }
    checkWeights[key] = readWeight(checkConfig!, key, checksPath);
  }

  return { threshold, categoryWeights, checkWeights };
}

/**
 * Reads `regions.readiness.lagEvidence`: how long a standby's lag must be
 * observed for the lag check to earn full credit; undefined for the default
 * (a day). Throws naming the key for a duration under a minute.
 */
export function readLagEvidenceMs(config: Config): number | undefined {
  const key = 'regions.readiness.lagEvidence';
  if (!config.has(key)) {
    return undefined;
  }
  const ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  if (!(ms >= 60_000)) {
    throw new InputError(
      `${key} must be at least a minute, got ${JSON.stringify(
        config.get(key),
      )}`,
    );
  }
  return ms;
}
