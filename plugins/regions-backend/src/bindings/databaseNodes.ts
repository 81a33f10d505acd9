import { stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  ANNOTATION_REGION_DATABASE,
  parseRegionRef,
  RegionEntity,
} from '@meridian/plugin-regions-common';
import { DatabaseNode } from '@meridian/plugin-regions-node';

const DEFAULT_FENCE_TIMEOUT_SECONDS = 60;

/**
 * A region ref written in config, which must be full (`region:default/us-east`):
 * config binds nodes and switches to regions, so a short name that could mean
 * a region of another namespace is refused. Returns the canonical form.
 */
export function readFullRegionRef(value: unknown, key: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  let canonical: string | undefined;
  if (/^[^:/\s]+:[^:/\s]+\/[^:/\s]+$/.test(text)) {
    try {
      const ref = parseRegionRef(text);
      if (ref.kind.toLocaleLowerCase('en-US') === 'region') {
        canonical = stringifyEntityRef(ref);
      }
    } catch {
      // reported below
    }
  }
  if (!canonical) {
    throw new Error(
      `${key} ${JSON.stringify(
        value,
      )} is not a full region ref like region:default/us-east`,
    );
  }
  return canonical;
}

/**
 * Reads every node of `regions.databases`, with the regions each is bound to
 * and its out-of-band fence. Throws naming the key and value of an invalid one,
 * so that a bad block stops the backend's start, not a failover.
 */
export function readDatabaseNodes(config: Config): Map<string, DatabaseNode> {
  const nodes = new Map<string, DatabaseNode>();
  const databases = config.getOptionalConfig('regions.databases');
  for (const name of databases?.keys() ?? []) {
    const block = databases!.getConfig(name);
    const key = `regions.databases.${name}`;
    const connection = block.getOptionalString('connection');
    const patroni = block.getOptionalConfig('patroni');
    const regions = (block.getOptionalStringArray('regions') ?? []).map(
      (ref, index) => readFullRegionRef(ref, `${key}.regions[${index}]`),
    );
    const fence = block.getOptionalConfig('fence');
    let command: string[] | undefined;
    if (fence) {
      command = fence.getStringArray('command');
      if (command.length === 0 || command.some(arg => arg === '')) {
        throw new Error(
          `${key}.fence.command must name a program and its arguments, got ${JSON.stringify(
            command,
          )}`,
        );
      }
    }
    const timeoutSeconds =
      fence?.getOptionalNumber('timeoutSeconds') ??
      DEFAULT_FENCE_TIMEOUT_SECONDS;
    if (!(timeoutSeconds > 0)) {
      throw new Error(
        `${key}.fence.timeoutSeconds must be a number of seconds > 0, got ${timeoutSeconds}`,
      );
    }
    nodes.set(name, {
      name,
      regions,
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
      ...(command ? { fence: { command, timeoutSeconds } } : {}),
    });
  }
  return nodes;
}

/** The node a region may use, or why it may not. */
export type DatabaseBinding =
  | { node: DatabaseNode; problem?: undefined }
  | { node?: undefined; problem: string; named?: string };

/**
 * The one rule for which database a region drives: the node its
 * `meridian.dev/database` annotation names, only when `regions.databases`
 * binds that node to the region. Used by every collector, the failover
 * pre-flight and the binding conflicts, so that an entity cannot point
 * Meridian at another team's database.
 */
export function bindDatabase(
  region: RegionEntity,
  nodes: Map<string, DatabaseNode>,
): DatabaseBinding {
  const named = region.metadata.annotations?.[ANNOTATION_REGION_DATABASE];
  const ref = stringifyEntityRef(region);
  if (!named) {
    return {
      problem: `${ref} has no ${ANNOTATION_REGION_DATABASE} annotation`,
    };
  }
  const node = nodes.get(named);
  if (!node) {
    return {
      named,
      problem: `${ref} names database ${named}, which regions.databases does not configure`,
    };
  }
  if (!node.regions.includes(ref)) {
    return {
      named,
      problem: `${ref} names database ${named}, which config binds to ${
        node.regions.length ? node.regions.join(', ') : 'no region'
      } (regions.databases.${named}.regions)`,
    };
  }
  return { node };
}
