import { MeasuredLatency, TopologyEdge } from '@meridian/plugin-regions-common';
import { LinkMeasurement } from '../../database/LinkLatencyStore';

/** A measurement older than this says nothing about the link now. */
export const LATENCY_STALE_AFTER_MS = 15 * 60_000;

const SOURCE_PREFERENCE: LinkMeasurement['source'][] = ['prometheus', 'probes'];

/**
 * The measurement that stands for a link: from Prometheus before the probes,
 * in the link's direction before the reverse one (a round trip is the same
 * both ways), and never a stale one.
 */
export function measurementOfLink(
  from: string,
  to: string,
  measurements: LinkMeasurement[],
  now = Date.now(),
): LinkMeasurement | undefined {
  const fresh = measurements.filter(
    m => now - m.measuredAt.getTime() <= LATENCY_STALE_AFTER_MS,
  );
  for (const source of SOURCE_PREFERENCE) {
    const found =
      fresh.find(m => m.source === source && m.from === from && m.to === to) ??
      fresh.find(m => m.source === source && m.from === to && m.to === from);
    if (found) {
      return found;
    }
  }
  return undefined;
}

/** A target against its measurement: the one rule of a latency breach. */
export function againstTarget(
  targetMs: number,
  measurement:
    | Pick<LinkMeasurement, 'measuredMs' | 'measuredAt' | 'source'>
    | undefined,
): MeasuredLatency {
  return {
    targetMs,
    measuredMs: measurement
      ? Math.round(measurement.measuredMs * 10) / 10
      : null,
    breached: measurement ? measurement.measuredMs > targetMs : false,
    source: measurement?.source ?? null,
    measuredAt: measurement?.measuredAt.toISOString() ?? null,
  };
}

/** Adds `latency` to every link edge with a target. */
export function withMeasuredLatency(
  edges: TopologyEdge[],
  measurements: LinkMeasurement[],
  now = Date.now(),
): TopologyEdge[] {
  return edges.map(edge =>
    edge.kind === 'link' && edge.latencyTargetMs !== undefined
      ? {
          ...edge,
          latency: againstTarget(
            edge.latencyTargetMs,
            measurementOfLink(edge.from, edge.to, measurements, now),
          ),
        }
      : edge,
  );
}
