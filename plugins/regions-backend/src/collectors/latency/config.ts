import { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';

const KEY = 'regions.latency.prometheus';

/** `regions.latency.prometheus`, read and checked. */
export interface PrometheusLatencyConfig {
  baseUrl: string;
  query: string;
  fromLabel: string;
  toLabel: string;
  schedule: SchedulerServiceTaskScheduleDefinition;
}

/**
 * Reads `regions.latency.prometheus`; undefined when it is not configured.
 * The base URL defaults to `regions.prometheus.baseUrl`.
 */
export function readPrometheusLatencyConfig(
  config: Config,
): PrometheusLatencyConfig | undefined {
  const block = config.getOptionalConfig(KEY);
  if (!block) {
    return undefined;
  }
  const baseUrl =
    block.getOptionalString('baseUrl') ??
    config.getOptionalString('regions.prometheus.baseUrl');
  if (!baseUrl) {
    throw new Error(
      `${KEY}.baseUrl is required when regions.prometheus.baseUrl is not set`,
    );
  }
  if (!URL.canParse(baseUrl)) {
    // the value may carry a password: name the key only
    throw new Error(`${KEY}.baseUrl is not a URL`);
  }
  const query = block.getString('query').trim();
  if (!query) {
    throw new Error(`${KEY}.query must be a PromQL query, not empty`);
  }
  const frequency = block.has('frequency')
    ? readDurationFromConfig(block, { key: 'frequency' })
    : { minutes: 1 };
  return {
    baseUrl,
    query,
    fromLabel: block.getOptionalString('fromLabel') ?? 'source_region',
    toLabel: block.getOptionalString('toLabel') ?? 'target_region',
    schedule: latencySchedule(frequency),
  };
}

/**
 * The latency task's schedule; every minute when only probes measure links
 * (they keep their own pace: the task compares their latest means).
 */
export function latencySchedule(
  frequency: SchedulerServiceTaskScheduleDefinition['frequency'] = {
    minutes: 1,
  },
): SchedulerServiceTaskScheduleDefinition {
  return {
    frequency,
    timeout: { seconds: 30 },
    initialDelay: { seconds: 10 },
    scope: 'global',
  };
}
