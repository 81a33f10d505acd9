import { Config, readDurationFromConfig } from '@backstage/config';
import { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { durationToMilliseconds } from '@backstage/types';
import { readFullRegionRef } from '../../bindings/databaseNodes';

const KEY = 'regions.failover.automatic';

/** `regions.failover.automatic`, read and checked once at startup. */
export interface AutomaticFailoverConfig {
  enabled: boolean;
  /** Record and notify what it would do, start nothing. */
  dryRun: boolean;
  /** The canonical refs of the regions it may fail over. */
  regions: string[];
  /** Probe checks in a row, every probe of the region down, before it acts. */
  consecutiveChecks: number;
  /** Time after any failover of a region before another automatic one. */
  cooldownMs: number;
  /** When the policy looks at the probes, as a scheduler task. */
  schedule: SchedulerServiceTaskScheduleDefinition;
}

const DEFAULT_CONSECUTIVE_CHECKS = 3;
const DEFAULT_COOLDOWN_MS = 60 * 60_000;

/**
 * Reads `regions.failover.automatic`, off unless `enabled` and a dry run
 * unless `dryRun: false`. Throws naming the key and the value for a region
 * that is not a full region ref, `consecutiveChecks` below 1 or not whole,
 * or a negative cooldown.
 */
export function readAutomaticFailoverConfig(
  config: Config,
): AutomaticFailoverConfig {
  const automatic = config.getOptionalConfig(KEY);
  const regions = (automatic?.getOptionalStringArray('regions') ?? []).map(
    (ref, index) => readFullRegionRef(ref, `${KEY}.regions[${index}]`),
  );
  const consecutiveChecks =
    automatic?.getOptionalNumber('consecutiveChecks') ??
    DEFAULT_CONSECUTIVE_CHECKS;
  if (!Number.isInteger(consecutiveChecks) || consecutiveChecks < 1) {
    throw new Error(
      `${KEY}.consecutiveChecks must be a whole number ≥ 1, got ${consecutiveChecks}`,
    );
  }
  const cooldownMs = automatic?.has('cooldown')
    ? durationToMilliseconds(
        readDurationFromConfig(config, { key: `${KEY}.cooldown` }),
      )
    : DEFAULT_COOLDOWN_MS;
  if (!(cooldownMs >= 0)) {
    throw new Error(
      `${KEY}.cooldown must not be negative, got ${JSON.stringify(
        automatic!.get('cooldown'),
      )}`,
    );
  }
  const frequency = automatic?.has('frequency')
    ? readDurationFromConfig(config, { key: `${KEY}.frequency` })
    : { seconds: 5 };
  return {
    enabled: automatic?.getOptionalBoolean('enabled') ?? false,
    dryRun: automatic?.getOptionalBoolean('dryRun') ?? true,
    regions: [...new Set(regions)],
    consecutiveChecks,
    cooldownMs,
    schedule: {
      frequency,
      timeout: { minutes: 2 },
      initialDelay: { seconds: 10 },
      scope: 'global',
    },
  };
}

/** Whether the policy may fail over the region: enabled, and the region named. */
export function automaticFailoverCovers(
  automatic: AutomaticFailoverConfig,
  regionRef: string,
): boolean {
  return automatic.enabled && automatic.regions.includes(regionRef);
}
