import { Config } from '@backstage/config';
import { FailoverStepContext } from '@meridian/plugin-regions-node';
import ipaddr from 'ipaddr.js';
import { readFullRegionRef } from '../../bindings/databaseNodes';
import { networkErrorReason } from '../../lib/errors';

export { quote, redact } from '../../lib/errors';

/** How long one call to a traffic API may take. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** DNS record types a switch can point at a region with. */
export const RECORD_TYPES = ['A', 'AAAA', 'CNAME'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/**
 * Reads and checks the keys of one `regions.traffic.<name>` block. Every
 * error names the full key and the value, except for secrets, whose value it
 * never shows.
 */
export class TrafficConfig {
  readonly prefix: string;

  constructor(readonly name: string, private readonly config: Config) {
    this.prefix = `regions.traffic.${name}`;
  }

  fail(key: string, problem: string): never {
    throw new Error(`${this.prefix}.${key} ${problem}`);
  }

  string(key: string): string {
    const value = this.optionalString(key);
    if (value === undefined) {
      this.fail(key, 'is required');
    }
    return value;
  }

  optionalString(key: string): string | undefined {
    const value = this.config.getOptional(key);
    if (value === undefined) {
      return undefined;
    }
    if (typeof value !== 'string' || value.trim() === '') {
      this.fail(
        key,
        `must be a non-empty string, not ${JSON.stringify(value)}`,
      );
    }
    return value.trim();
  }

  /** A secret: errors say it is missing or malformed, never what it is. */
  secret(key: string): string {
    const value = this.config.getOptional(key);
    if (value === undefined) {
      this.fail(key, 'is required (a secret; use ${ENV_VAR} substitution)');
    }
    if (typeof value !== 'string' || value.trim() === '') {
      this.fail(key, 'must be a non-empty string');
    }
    return value.trim();
  }

  url(key: string, defaultUrl?: string): URL {
    const value = this.optionalString(key) ?? defaultUrl;
    if (value === undefined) {
      this.fail(key, 'is required');
    }
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      this.fail(key, `"${value}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      this.fail(key, `"${value}" is not an http or https URL`);
    }
    if (url.username || url.password) {
      this.fail(
        key,
        'must not carry credentials; use the apiKey or apiToken key',
      );
    }
    return url;
  }

  positiveInteger(key: string, defaultValue?: number): number | undefined {
    const value = this.config.getOptional(key);
    if (value === undefined) {
      return defaultValue;
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      this.fail(
        key,
        `must be a positive integer, not ${JSON.stringify(value)}`,
      );
    }
    return value;
  }

  recordType(key: string): RecordType {
    const value = this.optionalString(key) ?? 'A';
    const type = value.toUpperCase();
    if (!(RECORD_TYPES as readonly string[]).includes(type)) {
      this.fail(key, `"${value}" is not one of ${RECORD_TYPES.join(', ')}`);
    }
    return type as RecordType;
  }

  /**
   * A `{ <region ref>: <string> }` map such as `addresses` or `poolIds`,
   * keyed by full region refs (`region:default/us-east`): the regions the
   * switch serves, which config alone decides. Checked value by value.
   */
  regionMap(
    key: string,
    check: (value: string) => string | undefined = () => undefined,
  ): Map<string, string> {
    const block = this.config.getOptional(key);
    if (block === undefined) {
      this.fail(key, 'is required: one entry per region ref');
    }
    if (typeof block !== 'object' || block === null || Array.isArray(block)) {
      this.fail(
        key,
        `must map region refs to values, not ${JSON.stringify(block)}`,
      );
    }
    const entries = new Map<string, string>();
    for (const [regionKey, value] of Object.entries(block)) {
      const ref = readFullRegionRef(regionKey, `${this.prefix}.${key} key`);
      if (typeof value !== 'string' || value.trim() === '') {
        this.fail(
          `${key}.${regionKey}`,
          `must be a non-empty string, not ${JSON.stringify(value)}`,
        );
      }
      const problem = check(value.trim());
      if (problem) {
        this.fail(`${key}.${regionKey}`, problem);
      }
      entries.set(ref, value.trim());
    }
    if (entries.size === 0) {
      this.fail(key, 'is empty: name at least one region');
    }
    return entries;
  }

  /** `addresses`, each checked against the record type. */
  addresses(type: RecordType): Map<string, string> {
    return this.regionMap('addresses', value => addressProblem(value, type));
  }
}

const HOSTNAME =
  /^(?=.{1,253}\.?$)(?:[a-z0-9_](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.?$/i;

/** Why `address` cannot be the content of a `type` record, or undefined if it can. */
export function addressProblem(
  address: string,
  type: RecordType,
): string | undefined {
  switch (type) {
    case 'A':
      return ipaddr.IPv4.isValidFourPartDecimal(address)
        ? undefined
        : `"${address}" is not an IPv4 address (the record type is A)`;
    case 'AAAA':
      return ipaddr.IPv6.isValid(address)
        ? undefined
        : `"${address}" is not an IPv6 address (the record type is AAAA)`;
    default:
      return HOSTNAME.test(address) && !ipaddr.isValid(address)
        ? undefined
        : `"${address}" is not a host name (the record type is CNAME)`;
  }
}

/** `name` with exactly one trailing dot, lower-cased: how DNS APIs spell a name. */
export function absoluteName(name: string): string {
  return `${name.toLowerCase().replace(/\.+$/, '')}.`;
}

/** `name` without its trailing dot, as Cloudflare and operators spell it. */
export function relativeName(name: string): string {
  return name.replace(/\.+$/, '');
}

/** The step's signal, bounded by the per-request timeout. */
export function requestSignal(ctx: FailoverStepContext): AbortSignal {
  return AbortSignal.any([ctx.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
}

/**
 * What went wrong with a request, for an operator: fetch hides network errors
 * behind `fetch failed`, their cause says what happened.
 */
export function reasonOf(error: unknown, ctx: FailoverStepContext): string {
  if (ctx.signal.aborted) {
    return 'the step was aborted';
  }
  const { name, cause } = error as {
    name?: string;
    cause?: { code?: string; message?: string };
  };
  if (name === 'TimeoutError') {
    return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  }
  const network = networkErrorReason(cause?.code);
  if (network) {
    return network;
  }
  if (cause?.message) {
    return cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Why a split cannot be sent to a switch, or undefined: whole percents from 0
 * to 100, adding up to 100, one per address.
 */
export function weightsProblem(
  weights: { address: string; percent: number }[],
): string | undefined {
  const bad = weights.find(
    w => !Number.isInteger(w.percent) || w.percent < 0 || w.percent > 100,
  );
  if (bad) {
    return `the percent for ${bad.address} is ${bad.percent}, not a whole number from 0 to 100`;
  }
  const total = weights.reduce((sum, w) => sum + w.percent, 0);
  if (total !== 100) {
    return `the percents add up to ${total}, not 100`;
  }
  if (new Set(weights.map(w => w.address)).size !== weights.length) {
    return `an address appears twice in ${weights
      .map(w => w.address)
      .join(', ')}`;
  }
  return undefined;
}
