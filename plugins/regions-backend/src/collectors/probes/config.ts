import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { readFullRegionRef } from '../../bindings/databaseNodes';
import { readExpectStatus, StatusMatcher } from './expectStatus';

const KEY = 'regions.probes';

const DEFAULT_INTERVAL_MS = 10_000;
const DEFAULT_TIMEOUT_MS = 2_000;
const DEFAULT_FAILURES_TO_DOWN = 3;
const DEFAULT_LATENCY_THRESHOLD_MS = 200;

/** One probe of `regions.probes`, read and checked once at startup. */
export interface ProbeDefinition {
  /** The key under `regions.probes`. */
  name: string;
  kind: 'http' | 'tcp';
  /** The URL checked, credentials removed (they go in `authorization`). */
  url: URL;
  /** What it checks as users see it: no credentials, no query values. */
  target: string;
  /** `Basic …` from the URL's user and password, for http probes. */
  authorization?: string;
  /** The canonical ref of the region it checks. */
  region: string;
  /** The region whose network it runs from, for link latency. */
  from?: string;
  intervalMs: number;
  timeoutMs: number;
  failuresToDown: number;
  latencyThresholdMs: number;
  method: 'GET' | 'HEAD';
  expectStatus: StatusMatcher;
}

/**
 * Reads every probe of `regions.probes`. Throws naming the key and the value
 * of a bad one (the URL's value is never echoed, it may hold a password).
 */
export function readProbesConfig(config: Config): ProbeDefinition[] {
  const block = config.getOptionalConfig(KEY);
  return (block?.keys() ?? []).map(name =>
    readProbe(name, block!.getConfig(name), `${KEY}.${name}`),
  );
}

function readProbe(name: string, probe: Config, key: string): ProbeDefinition {
  const { url, kind, authorization } = readUrl(probe.getString('url'), key);
  const intervalMs = probe.has('interval')
    ? durationToMilliseconds(readDurationFromConfig(probe, { key: 'interval' }))
    : DEFAULT_INTERVAL_MS;
  if (!(intervalMs >= 1000)) {
    throw new Error(
      `${key}.interval must be at least 1 second, got ${JSON.stringify(
        probe.get('interval'),
      )}`,
    );
  }
  const from = probe.getOptionalString('from');
  const method = probe.getOptionalString('method') ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    throw new Error(`${key}.method must be GET or HEAD, got "${method}"`);
  }
  return {
    name,
    kind,
    url,
    target: targetOf(url),
    ...(authorization ? { authorization } : {}),
    region: readFullRegionRef(probe.getString('region'), `${key}.region`),
    ...(from !== undefined
      ? { from: readFullRegionRef(from, `${key}.from`) }
      : {}),
    intervalMs,
    timeoutMs: positiveWhole(probe, 'timeoutMs', DEFAULT_TIMEOUT_MS, key),
    failuresToDown: positiveWhole(
      probe,
      'failuresToDown',
      DEFAULT_FAILURES_TO_DOWN,
      key,
    ),
    latencyThresholdMs: positiveWhole(
      probe,
      'latencyThresholdMs',
      DEFAULT_LATENCY_THRESHOLD_MS,
      key,
    ),
    method,
    expectStatus: readExpectStatus(
      probe.getOptional('expectStatus'),
      `${key}.expectStatus`,
    ),
  };
}

function readUrl(
  value: string,
  key: string,
): Pick<ProbeDefinition, 'url' | 'kind' | 'authorization'> {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url) {
    throw new Error(`${key}.url is not a URL`);
  }
  const scheme = url.protocol.slice(0, -1);
  let kind: ProbeDefinition['kind'];
  if (scheme === 'http' || scheme === 'https') {
    kind = 'http';
  } else if (scheme === 'tcp') {
    kind = 'tcp';
    if (!url.hostname || !url.port) {
      throw new Error(
        `${key}.url must be tcp://host:port, got ${targetOf(url)}`,
      );
    }
  } else {
    throw new Error(
      `${key}.url must start with http://, https:// or tcp://, got "${scheme}:"`,
    );
  }
  // fetch refuses URLs with credentials: they travel as basic auth instead
  const authorization =
    kind === 'http' && (url.username || url.password)
      ? `Basic ${Buffer.from(
          `${decodeURIComponent(url.username)}:${decodeURIComponent(
            url.password,
          )}`,
        ).toString('base64')}`
      : undefined;
  url.username = '';
  url.password = '';
  return { url, kind, authorization };
}

/** The URL as shown: without credentials (already removed) or query values. */
function targetOf(url: URL): string {
  const shown = new URL(url);
  shown.username = '';
  shown.password = '';
  for (const name of [...shown.searchParams.keys()]) {
    shown.searchParams.set(name, '…');
  }
  shown.hash = '';
  return decodeURI(shown.toString());
}

function positiveWhole(
  probe: Config,
  name: string,
  fallback: number,
  key: string,
): number {
  const value = probe.getOptionalNumber(name) ?? fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(
      `${key}.${name} must be a whole number ≥ 1, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** How often the collector ticks: the shortest probe interval. */
export function probeTickMs(probes: ProbeDefinition[]): number {
  return Math.min(...probes.map(probe => probe.intervalMs));
}
