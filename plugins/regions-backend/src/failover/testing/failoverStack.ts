import { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader, JsonObject } from '@backstage/config';
import {
  FailoverCanary,
  FailoverMode,
  FailoverRun,
  RegionEntity,
} from '@meridian/plugin-regions-common';
import {
  Fencer,
  Promoter,
  TrafficSwitchFactory,
} from '@meridian/plugin-regions-node';
import { Knex } from 'knex';
import { Client } from 'pg';
import { PostgresReplicationSource } from '../../collectors/replication/PostgresReplicationSource';
import { ReplicationCollector } from '../../collectors/replication/ReplicationCollector';
import { DatabaseRegionsStore } from '../../database/DatabaseRegionsStore';
import { FailoverStore } from '../../database/FailoverStore';
import { ReplicationStore } from '../../database/ReplicationStore';
import { PostgresLabNode } from '../../testing/postgresLab';
import { readFailoverConfig } from '../config';
import { FailoverOrchestrator } from '../FailoverOrchestrator';
import { builtInFencers, FencerRegistry } from '../fencers';
import { PromotionDetector } from '../detection/PromotionDetector';
import { readPromotionRecord } from '../detection/promotionRecord';
import { SplitBrainGuard } from '../guard/SplitBrainGuard';
import { FailoverPlanner } from '../plan/FailoverPlanner';
import { PatroniPromoter } from '../promoters/PatroniPromoter';
import { PostgresPromoter } from '../promoters/PostgresPromoter';
import { TrafficSwitchRegistry } from '../TrafficSwitchRegistry';
import { memoryTrafficSwitchFactory } from './memoryTrafficSwitch';

const silentLogger: LoggerService = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => silentLogger,
};

/** A `regions.databases` block for lab nodes, each bound to one region. */
export function labDatabases(
  nodes: Record<
    string,
    { node: PostgresLabNode; region: string; extra?: JsonObject }
  >,
): JsonObject {
  return Object.fromEntries(
    Object.entries(nodes).map(([name, { node, region, extra }]) => [
      name,
      {
        connection: node.superuserConnectionString,
        regions: [region],
        ...extra,
      },
    ]),
  );
}

/**
 * The failover part of one backend instance, over a knex database and the
 * given config (`regions.databases`, `regions.traffic` with `driver: memory`),
 * as the plugin wires it: planner, orchestrator, the replication collector
 * with the split-brain guard. For tests and benchmarks.
 */
export async function createFailoverStack(options: {
  knex: Knex;
  regions: RegionEntity[];
  config: JsonObject;
  /** What each memory switch points at, shared with the test. */
  pointsAt?: Map<string, string[]>;
  /** Drivers besides `memory`, e.g. the built-in powerdns one. */
  trafficFactories?: TrafficSwitchFactory[];
  promoters?: Promoter[];
  fencers?: Fencer[];
  readiness?: { score: number; ready: boolean; threshold: number };
  /** Default: one that prints nothing. */
  logger?: LoggerService;
}) {
  const database = { getClient: async () => options.knex };
  // Approvals are asked for explicitly by the tests that exercise them.
  const config = ConfigReader.fromConfigs([
    {
      context: 'failover stack defaults',
      data: { regions: { failover: { approvals: { failover: 0 } } } },
    },
    { context: 'test', data: options.config },
  ]);
  const logger = options.logger ?? silentLogger;
  const regionsStore = await DatabaseRegionsStore.create({ database });
  await regionsStore.replaceSnapshot({
    regions: options.regions,
    conflicts: [],
    syncedAt: new Date(),
  });
  const replicationStore = await ReplicationStore.create({
    database,
    staleAfterMs: 30_000,
  });
  const store = await FailoverStore.create({ database });
  const failoverConfig = readFailoverConfig(config);
  const traffic = memoryTrafficSwitchFactory(options.pointsAt);
  const fencers = new FencerRegistry([
    ...(options.fencers ?? []),
    ...builtInFencers(),
  ]);
  const promoters = options.promoters ?? [
    new PatroniPromoter(),
    new PostgresPromoter(),
  ];
  const planner = new FailoverPlanner({
    regions: regionsStore,
    nodes: failoverConfig.databases,
    promoters,
    fencers,
    traffic: TrafficSwitchRegistry.fromConfig(config, [
      traffic,
      ...(options.trafficFactories ?? []),
    ]),
    maxLagBytes: failoverConfig.maxLagBytes,
    observed: replicationStore,
    holds: store,
    ...(options.readiness
      ? { readiness: { getScore: async () => options.readiness } }
      : {}),
  });
  const orchestrator = new FailoverOrchestrator({
    store,
    planner,
    fencers,
    logger,
    approvals: failoverConfig.approvals,
    approvalTimeoutMs: failoverConfig.approvalTimeoutMs,
  });
  const guard = new SplitBrainGuard({
    conflicts: regionsStore,
    failovers: store,
    nodes: failoverConfig.databases,
    fencers,
    promoters,
    logger,
  });
  const detector = new PromotionDetector({
    failovers: store,
    regions: regionsStore,
    nodes: failoverConfig.databases,
    readPromotion: readPromotionRecord,
    logger,
  });
  const source = PostgresReplicationSource.fromConfig(config, { logger });
  const collector = new ReplicationCollector({
    regions: regionsStore,
    store: replicationStore,
    sources: [source],
    logger,
    afterTick: async (samples, previous) => {
      await guard.check(samples);
      await detector.check(samples, previous);
    },
  });
  return {
    orchestrator,
    planner,
    store,
    regionsStore,
    replicationStore,
    collector,
    pointsAt: traffic.pointsAt,
    logger,
    /** Starts a run as `actor` and answers it once it ends. */
    async run(
      request: {
        region: string;
        target: string;
        mode: FailoverMode;
        force?: boolean;
        sourceFenced?: string;
        dryRun?: boolean;
        canary?: FailoverCanary;
      },
      actor = 'user:default/priya.nair',
    ): Promise<FailoverRun> {
      const started = await orchestrator.start(
        { dryRun: false, force: false, ...request },
        actor,
      );
      return (await orchestrator.whenFinished(started.id))!;
    },
    close: () => source.close(),
  };
}

/** Whether the node is in recovery (a standby), asked as the superuser. */
export async function inRecovery(node: PostgresLabNode): Promise<boolean> {
  const client = new Client({
    connectionString: node.superuserConnectionString,
  });
  client.on('error', () => {});
  await client.connect();
  try {
    const { rows } = await client.query('SELECT pg_is_in_recovery() AS r');
    return rows[0].r;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * What happens when the application writes to the node as its own role,
 * the way an application that ignores read-only would: `BEGIN READ WRITE`,
 * `SET default_transaction_read_only = off`, an insert, a commit. Answers
 * `committed` or the error's SQLSTATE / message.
 */
export async function applicationWrite(
  node: PostgresLabNode,
  options: { connectTimeoutMs?: number } = {},
): Promise<string> {
  const client = new Client({
    connectionString: node.applicationConnectionString,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3_000,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SET default_transaction_read_only = off');
    await client.query('BEGIN READ WRITE');
    await client.query(
      'CREATE TABLE IF NOT EXISTS app_writes (id serial PRIMARY KEY, at timestamptz DEFAULT now())',
    );
    await client.query('INSERT INTO app_writes DEFAULT VALUES');
    await client.query('COMMIT');
    return 'committed';
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    return code ?? message ?? String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Commits a first write as the application (it creates its table), or throws. */
export async function writtenByTheApplication(
  node: PostgresLabNode,
): Promise<void> {
  const outcome = await applicationWrite(node);
  if (outcome !== 'committed') {
    throw new Error(
      `the application could not write to ${node.name}: ${outcome}`,
    );
  }
}

/** The timeline a node runs on, as the superuser sees it. */
export async function timelineOf(node: PostgresLabNode): Promise<number> {
  const client = new Client({
    connectionString: node.superuserConnectionString,
  });
  client.on('error', () => {});
  await client.connect();
  try {
    const { rows } = await client.query<{ timeline: number }>(
      `SELECT CASE WHEN pg_is_in_recovery()
                   THEN (SELECT timeline_id FROM pg_control_checkpoint())
                   ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int
              END AS timeline`,
    );
    return rows[0].timeline;
  } finally {
    await client.end().catch(() => {});
  }
}
