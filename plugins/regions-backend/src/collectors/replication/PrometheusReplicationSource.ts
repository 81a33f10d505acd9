import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  ANNOTATION_PROMETHEUS_SELECTOR,
  RegionEntity,
  StandbyState,
} from '@meridian/plugin-regions-common';
import {
  ReplicationObservation,
  ReplicationSource,
} from '@meridian/plugin-regions-node';
import { PrometheusClient, PrometheusReading } from '../../lib/prometheus';

/** Cap on one sample (all its queries), whatever the caller's signal allows. */
const SAMPLE_TIMEOUT_MS = 5_000;

type Reading = PrometheusReading;

/**
 * Samples replication from Prometheus, as postgres_exporter reports it: useful
 * where the backend cannot reach the database but Prometheus scrapes it.
 *
 * Each region names the exporter's series of its node with a PromQL label
 * selector, from its `meridian.dev/prometheus-selector` annotation or, failing
 * that, from `regions.prometheus.selectors.<region name>` (e.g.
 * `{instance="10.16.0.10:9187"}`). There is no default selector: a guessed one
 * could match another node's series and report its lag as this region's.
 *
 * Both generations of postgres_exporter metrics are read: byte lag per replica
 * from `pg_stat_replication_pg_wal_lsn_diff` (or `..._pg_xlog_location_diff`
 * before PostgreSQL 10), the node role from `pg_replication_is_replica`, and on
 * a standby its lag from `pg_replication_lag_seconds` (v0.13+) or
 * `pg_replication_lag` (before).
 *
 * @public
 */
export class PrometheusReplicationSource implements ReplicationSource {
  readonly id = 'prometheus';

  /** Reads `regions.prometheus`; `undefined` when it is not configured. */
  static fromConfig(
    config: Config,
    options: { logger: LoggerService },
  ): PrometheusReplicationSource | undefined {
    const prometheusConfig = config.getOptionalConfig('regions.prometheus');
    if (!prometheusConfig) {
      return undefined;
    }
    const selectorsConfig = prometheusConfig.getOptionalConfig('selectors');
    const selectors = new Map<string, string>();
    for (const name of selectorsConfig?.keys() ?? []) {
      selectors.set(name, selectorsConfig!.getString(name));
    }
    return new PrometheusReplicationSource(
      prometheusConfig.getString('baseUrl'),
      selectors,
      options.logger,
    );
  }

  private readonly prometheus: PrometheusClient;

  private constructor(
    baseUrl: string,
    private readonly selectors: Map<string, string>,
    private readonly logger: LoggerService,
  ) {
    this.prometheus = new PrometheusClient(baseUrl);
  }

  observes(region: RegionEntity): boolean {
    return this.selectorOf(region) !== undefined;
  }

  async sample(
    region: RegionEntity,
    options: { signal: AbortSignal },
  ): Promise<ReplicationObservation> {
    const selector = this.selectorOf(region);
    if (!selector) {
      throw new Error(
        `region ${region.metadata.name} has no ${ANNOTATION_PROMETHEUS_SELECTOR} annotation and no regions.prometheus.selectors entry`,
      );
    }
    if (!/^\{.*\}$/s.test(selector)) {
      throw new Error(
        `region ${region.metadata.name}: the Prometheus selector ${selector} is not a label selector like {instance="10.16.0.10:9187"}`,
      );
    }
    const signal = AbortSignal.any([
      options.signal,
      AbortSignal.timeout(SAMPLE_TIMEOUT_MS),
    ]);
    try {
      return await this.sampleNode(selector, signal);
    } catch (error) {
      let reason: string;
      if (options.signal.aborted) {
        reason = 'sampling was aborted';
      } else if (signal.aborted) {
        reason = `timed out after ${SAMPLE_TIMEOUT_MS / 1000} s`;
      } else {
        reason = this.prometheus.reasonOf(error);
      }
      this.logger.debug(`Prometheus sample of ${selector} failed: ${reason}`);
      throw new Error(`Prometheus at ${this.prometheus.shownUrl}: ${reason}`);
    }
  }

  private selectorOf(region: RegionEntity): string | undefined {
    return (
      region.metadata.annotations?.[ANNOTATION_PROMETHEUS_SELECTOR]?.trim() ||
      this.selectors.get(region.metadata.name)
    );
  }

  private async sampleNode(
    selector: string,
    signal: AbortSignal,
  ): Promise<ReplicationObservation> {
    const sampledAt = new Date();
    const [up, isReplica] = await Promise.all([
      this.query(`pg_up${selector}`, signal),
      this.query(`pg_replication_is_replica${selector}`, signal),
    ]);
    if (onlyValue(up, `pg_up${selector}`) !== 1) {
      throw new Error(
        `postgres_exporter cannot reach the database (pg_up${selector} is 0)`,
      );
    }
    if (isReplica.length === 0) {
      // Built in since postgres_exporter 0.13; older ones need the
      // `pg_replication` query of their queries.yaml (see the README).
      throw new Error(
        `no series match pg_replication_is_replica${selector}: postgres_exporter before 0.13 needs the pg_replication custom query`,
      );
    }
    if (onlyValue(isReplica, `pg_replication_is_replica${selector}`) === 1) {
      return {
        sampledAt,
        nodeRole: 'standby',
        replicas: [],
        standby: await this.standbyView(selector, signal),
      };
    }
    const lags = await this.query(
      `pg_stat_replication_pg_wal_lsn_diff${selector} or pg_stat_replication_pg_xlog_location_diff${selector}`,
      signal,
    );
    return {
      sampledAt,
      nodeRole: 'primary',
      replicas: lags
        .map(({ labels, value }) => ({
          name: labels.application_name ?? labels.client_addr ?? 'unknown',
          state: labels.state ?? 'unknown',
          ...(labels.sync_state ? { syncState: labels.sync_state } : {}),
          lagBytes: value,
          // postgres_exporter has no per-replica time lag; a replica that has
          // replayed everything is, however, zero seconds behind.
          lagSeconds: value === 0 ? 0 : null,
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    };
  }

  /**
   * The exporter shows a standby little of its own side: no WAL receiver nor
   * LSNs, only a time. The newer `pg_replication_lag_seconds` is zeroed once
   * everything received is replayed, so 0 means caught up; the older
   * `pg_replication_lag` is the replay age, which grows on an idle primary, so
   * it cannot tell and the standby is never reported caught up from it.
   */
  private async standbyView(
    selector: string,
    signal: AbortSignal,
  ): Promise<StandbyState> {
    const [current, legacy] = await Promise.all([
      this.query(`pg_replication_lag_seconds${selector}`, signal),
      this.query(`pg_replication_lag${selector}`, signal),
    ]);
    if (current.length > 0) {
      const lagSeconds = onlyValue(
        current,
        `pg_replication_lag_seconds${selector}`,
      );
      return standbyState(lagSeconds, lagSeconds === 0);
    }
    if (legacy.length === 0) {
      throw new Error(
        `no series match pg_replication_lag_seconds${selector} nor pg_replication_lag${selector}`,
      );
    }
    return standbyState(
      onlyValue(legacy, `pg_replication_lag${selector}`),
      false,
    );
  }

  private query(query: string, signal: AbortSignal): Promise<Reading[]> {
    return this.prometheus.query(query, signal);
  }
}

/** The value of the single series a node-level query must return. */
function onlyValue(readings: Reading[], query: string): number {
  if (readings.length === 0) {
    throw new Error(`no series match ${query}`);
  }
  if (readings.length > 1) {
    throw new Error(
      `${readings.length} series match ${query}; the selector must pick one node`,
    );
  }
  return readings[0].value;
}

function standbyState(lagSeconds: number, caughtUp: boolean): StandbyState {
  return {
    receiverStatus: 'unknown',
    receiveLsn: null,
    replayLsn: null,
    replayBacklogBytes: null,
    lastReplayAgeSeconds: lagSeconds,
    caughtUp,
  };
}
