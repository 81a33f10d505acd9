import { Config } from '@backstage/config';
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
}

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
  return { maxLagBytes, databases: readDatabaseNodes(config) };
}
