import { Config } from '@backstage/config';
import { DatabaseNode } from '@meridian/plugin-regions-node';

/** Patroni's `maximum_lag_on_failover` default: 1 MiB. */
export const DEFAULT_MAX_LAG_BYTES = 1024 * 1024;

/** What the orchestrator reads from `regions`. */
export interface FailoverConfig {
  /** The most WAL bytes the target may lag behind and still be promoted without `force`. */
  maxLagBytes: number;
  /** Every node of `regions.databases`, by name. */
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

function readDatabaseNodes(config: Config): Map<string, DatabaseNode> {
  const nodes = new Map<string, DatabaseNode>();
  const databases = config.getOptionalConfig('regions.databases');
  for (const name of databases?.keys() ?? []) {
    const block = databases!.getConfig(name);
    const connection = block.getOptionalString('connection');
    const patroni = block.getOptionalConfig('patroni');
    nodes.set(name, {
      name,
      ...(connection ? { connection } : {}),
      ...(patroni
        ? {
            patroni: {
              url: patroni.getString('url'),
              ...(patroni.has('member')
                ? { member: patroni.getString('member') }
                : {}),
            },
          }
        : {}),
    });
  }
  return nodes;
}
