import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { FAILOVER_MODES, FailoverMode } from '@meridian/plugin-regions-common';
import { DatabaseNode } from '@meridian/plugin-regions-node';
import { readDatabaseNodes } from '../bindings/databaseNodes';

/** Patroni's `maximum_lag_on_failover` default: 1 MiB. */
export const DEFAULT_MAX_LAG_BYTES = 1024 * 1024;

/** What the failover reads from `regions`. */
export interface FailoverConfig {
  /** The most WAL bytes the target may lag behind and still be promoted without `force`. */
  maxLagBytes: number;
  /** Every node of `regions.databases`, by name, with the regions bound to it. */
  databases: Map<string, DatabaseNode>;
  /** How many approvals of other owners a run of each mode needs before it changes anything. */
  approvals: Record<FailoverMode, number>;
  /** How long a run waits for its approvals before it expires. */
  approvalTimeoutMs: number;
}

/** None for drills and switchovers, one for an emergency failover. */
export const DEFAULT_APPROVALS: Record<FailoverMode, number> = {
  drill: 0,
  switchover: 0,
  failover: 1,
};
const DEFAULT_APPROVAL_TIMEOUT_MS = 30 * 60_000;

/** Reads `regions.failover` and `regions.databases`; throws naming the key and value when one is invalid. */
export function readFailoverConfig(config: Config): FailoverConfig {
  const maxLagBytes =
    config.getOptionalNumber('regions.failover.maxLagBytes') ??
    DEFAULT_MAX_LAG_BYTES;
  if (!Number.isSafeInteger(maxLagBytes) || maxLagBytes < 0) {
    throw new Error(
      `regions.failover.maxLagBytes must be a whole number of bytes ≥ 0, got ${maxLagBytes}`,
    );
  }
  const approvals = { ...DEFAULT_APPROVALS };
  const approvalsConfig = config.getOptionalConfig(
    'regions.failover.approvals',
  );
  for (const mode of approvalsConfig?.keys() ?? []) {
    const count = approvalsConfig!.getNumber(mode);
    if (!(FAILOVER_MODES as readonly string[]).includes(mode)) {
      throw new Error(
        `regions.failover.approvals.${mode} is not a mode: use ${FAILOVER_MODES.join(
          ', ',
        )}`,
      );
    }
    if (!Number.isInteger(count) || count < 0) {
      throw new Error(
        `regions.failover.approvals.${mode} must be a whole number ≥ 0, got ${count}`,
      );
    }
    approvals[mode as FailoverMode] = count;
  }
  const approvalTimeoutMs = config.has('regions.failover.approvalTimeout')
    ? durationToMilliseconds(
        readDurationFromConfig(config, {
          key: 'regions.failover.approvalTimeout',
        }),
      )
    : DEFAULT_APPROVAL_TIMEOUT_MS;
  return {
    maxLagBytes,
    databases: readDatabaseNodes(config),
    approvals,
    approvalTimeoutMs,
  };
}
