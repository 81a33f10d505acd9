import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { REGION_KIND } from '@meridian/plugin-regions-common';
import { LinkMeasurement } from '../../database/LinkLatencyStore';
import { PrometheusClient } from '../../lib/prometheus';
import { PrometheusLatencyConfig } from './config';

const QUERY_TIMEOUT_MS = 10_000;

/** What one reading of the latency query gave. */
export interface LinkLatencyReading {
  measurements: Omit<LinkMeasurement, 'source'>[];
  /** Series that could not be read as a link, in words. */
  skipped: string[];
}

/**
 * Reads link latency from Prometheus (or Thanos Querier): one instant query
 * answering a series per link, in seconds, labelled with the region it starts
 * from and the region it goes to (a region name, or a full ref) — e.g.
 * blackbox exporter's `probe_duration_seconds` from each region's exporter.
 */
export class PrometheusLinkLatency {
  private readonly prometheus: PrometheusClient;

  constructor(private readonly options: PrometheusLatencyConfig) {
    this.prometheus = new PrometheusClient(options.baseUrl);
  }

  async read(signal: AbortSignal): Promise<LinkLatencyReading> {
    const { query, fromLabel, toLabel } = this.options;
    const measuredAt = new Date();
    let readings;
    try {
      readings = await this.prometheus.query(
        query,
        AbortSignal.any([signal, AbortSignal.timeout(QUERY_TIMEOUT_MS)]),
      );
    } catch (error) {
      throw new Error(
        `Prometheus at ${this.prometheus.shownUrl}: ${this.prometheus.reasonOf(
          error,
        )}`,
      );
    }
    const measurements: LinkLatencyReading['measurements'] = [];
    const skipped: string[] = [];
    for (const { labels, value } of readings) {
      const from = regionRefOf(labels[fromLabel]);
      const to = regionRefOf(labels[toLabel]);
      if (!from || !to) {
        skipped.push(
          `a series without a region in ${
            from ? toLabel : fromLabel
          }: ${JSON.stringify(labels)}`,
        );
        continue;
      }
      if (value < 0) {
        skipped.push(`${from} → ${to} answers ${value} s`);
        continue;
      }
      measurements.push({ from, to, measuredMs: value * 1000, measuredAt });
    }
    return { measurements, skipped };
  }
}

/** `studio-sul` or `region:default/studio-sul` as a full region ref; undefined for anything else. */
function regionRefOf(value: string | undefined): string | undefined {
  if (!value) {
    return undefined;
  }
  try {
    const ref = parseEntityRef(value, {
      defaultKind: REGION_KIND,
      defaultNamespace: 'default',
    });
    return ref.kind.toLowerCase() === REGION_KIND.toLowerCase()
      ? stringifyEntityRef(ref)
      : undefined;
  } catch {
    return undefined;
  }
}
