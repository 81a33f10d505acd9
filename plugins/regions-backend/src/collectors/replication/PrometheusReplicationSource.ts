import { LoggerService } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  ANNOTATION_PROMETHEUS_SELECTOR,
  RegionEntity,
  StandbyState,
} from '@meridian/plugin-regions-common';
import { ReplicationObservation } from '@meridian/plugin-regions-node';
import { parseLabelMatchers } from '../../lib/labelMatchers';
import { PrometheusClient, TimedPrometheusReading } from '../../lib/prometheus';
import { NodeSharingSource } from './ReplicationCollector';

/** Cap on one sample (all its queries), whatever the caller's signal allows. */
const SAMPLE_TIMEOUT_MS = 5_000;

/** Prometheus' own default `scrape_interval`. */
const DEFAULT_SCRAPE_INTERVAL_MS = 60_000;

type Reading = TimedPrometheusReading;

/**
 * Samples replication from Prometheus, as postgres_exporter reports it: useful
 * where the backend cannot reach the database but Prometheus scrapes it.
 * Thanos Query (or any server of Prometheus' query API) works as the base URL.
 *
 * Each region names the exporter's series of its node with label matchers,
 * from its `meridian.dev/prometheus-selector` annotation or, failing that,
 * from `regions.prometheus.selectors.<region name>` (e.g.
 * `{instance="10.16.0.10:9187"}`). There is no default selector: a guessed one
 * could match another node's series and report its lag as this region's. A
 * selector is parsed as label matchers and nothing else: an entity cannot
 * inject PromQL (`{a="b"} or vector(0)`) to fake its lag.
 *
 * Every value is read with the time it was scraped: a node-level series older
 * than twice `regions.prometheus.scrapeInterval` makes the sample fail as
 * stale (a dead exporter's last value is not the current state), and a
 * replica's stale series is a replica that left.
 *
 * Both generations of postgres_exporter metrics are read: byte lag per replica
 * from `pg_stat_replication_pg_wal_lsn_diff` (or `..._pg_xlog_location_diff`
 * before PostgreSQL 10), the node role from `pg_replication_is_replica`, and on
 * a standby its lag from `pg_replication_lag_seconds` (v0.13+) or
 * `pg_replication_lag` (before).
 *
 * @public
 */
export class PrometheusReplicationSource implements NodeSharingSource {
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
    const scrapeIntervalMs = prometheusConfig.has('scrapeInterval')
      ? durationToMilliseconds(
          readDurationFromConfig(prometheusConfig, { key: 'scrapeInterval' }),
        )
      : DEFAULT_SCRAPE_INTERVAL_MS;
    return new PrometheusReplicationSource(
      prometheusConfig.getString('baseUrl'),
      selectors,
      scrapeIntervalMs,
      options.logger,
    );
  }

  private readonly prometheus: PrometheusClient;

  private constructor(
    baseUrl: string,
    private readonly selectors: Map<string, string>,
    private readonly scrapeIntervalMs: number,
    private readonly logger: LoggerService,
  ) {
    this.prometheus = new PrometheusClient(baseUrl);
  }

  observes(region: RegionEntity): boolean {
    return this.selectorOf(region) !== undefined;
  }

  /**
   * The node a region's selector picks, as parsed: regions with the same
   * selector are sampled once a tick. Undefined for a selector that does not
   * parse; its sample fails naming the field.
   */
  nodeOf(region: RegionEntity): string | undefined {
    const written = this.selectorOf(region);
    try {
      return written && parseLabelMatchers(written.selector, written.field);
    } catch {
      return undefined;
    }
  }

  async sample(
    region: RegionEntity,
    options: { signal: AbortSignal },
  ): Promise<ReplicationObservation> {
    const written = this.selectorOf(region);
    if (!written) {
      throw new Error(
        `region ${region.metadata.name} has no ${ANNOTATION_PROMETHEUS_SELECTOR} annotation and no regions.prometheus.selectors entry`,
      );
    }
    const selector = parseLabelMatchers(
      written.selector,
      `region ${region.metadata.name}: ${written.field}`,
    );
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

  /** The selector as written, and where: the annotation wins over config. */
  private selectorOf(
    region: RegionEntity,
  ): { selector: string; field: string } | undefined {
    const annotated =
      region.metadata.annotations?.[ANNOTATION_PROMETHEUS_SELECTOR]?.trim();
    if (annotated) {
      return {
        selector: annotated,
        field: `metadata.annotations.${ANNOTATION_PROMETHEUS_SELECTOR}`,
      };
    }
    const configured = this.selectors.get(region.metadata.name);
    return configured
      ? {
          selector: configured,
          field: `regions.prometheus.selectors.${region.metadata.name}`,
        }
      : undefined;
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
    if (this.onlyValue(up, `pg_up${selector}`) !== 1) {
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
    if (
      this.onlyValue(isReplica, `pg_replication_is_replica${selector}`) === 1
    ) {
      return {
        sampledAt,
        nodeRole: 'standby',
        replicas: [],
        standby: await this.standbyView(selector, signal),
      };
    }
    const [current, legacy] = await Promise.all([
      this.query(`pg_stat_replication_pg_wal_lsn_diff${selector}`, signal),
      this.query(
        `pg_stat_replication_pg_xlog_location_diff${selector}`,
        signal,
      ),
    ]);
    const lags = (current.length > 0 ? current : legacy).filter(
      reading => !this.isStale(reading),
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
      const lagSeconds = this.onlyValue(
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
      this.onlyValue(legacy, `pg_replication_lag${selector}`),
      false,
    );
  }

  /** The latest sample of every matching series within ten scrape intervals (at least 5 minutes, Prometheus' lookback). */
  private query(selector: string, signal: AbortSignal): Promise<Reading[]> {
    const windowSeconds = Math.max(300, (10 * this.scrapeIntervalMs) / 1000);
    return this.prometheus.queryLatest(selector, windowSeconds, signal);
  }

  private isStale(reading: Reading): boolean {
    return Date.now() - reading.at.getTime() > 2 * this.scrapeIntervalMs;
  }

  /**
   * The value of the single fresh series a node-level query must return; a
   * series that only has samples older than two scrape intervals is stale.
   */
  private onlyValue(readings: Reading[], query: string): number {
    if (readings.length === 0) {
      throw new Error(`no series match ${query}`);
    }
    const fresh = readings.filter(reading => !this.isStale(reading));
    if (fresh.length > 1) {
      throw new Error(
        `${fresh.length} series match ${query}; the selector must pick one node`,
      );
    }
    if (fresh.length === 0) {
      const at = new Date(Math.max(...readings.map(r => r.at.getTime())));
      const ageSeconds = Math.round((Date.now() - at.getTime()) / 1000);
      throw new Error(
        `${query} is stale since ${at.toISOString()} (last scraped ${ageSeconds} s ago, more than twice the ${
          this.scrapeIntervalMs / 1000
        } s scrape interval)`,
      );
    }
    return fresh[0].value;
  }
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
