import { Config } from '@backstage/config';
import {
  FailoverStepContext,
  TrafficSwitch,
  TrafficSwitchFactory,
} from '@meridian/plugin-regions-node';
import {
  addressProblem,
  quote,
  reasonOf,
  RecordType,
  redact,
  relativeName,
  requestSignal,
  TrafficConfig,
} from './common';

const DEFAULT_API_URL = 'https://api.cloudflare.com/client/v4';

/** Cloudflare's answer envelope. */
interface Envelope<T> {
  success: boolean;
  errors: { code: number; message: string }[];
  messages: unknown[];
  result: T;
}

interface DnsRecord {
  id: string;
  name: string;
  type: string;
  content: string;
}

interface LoadBalancer {
  id: string;
  name: string;
  default_pools: string[];
  fallback_pool: string;
}

/** Which DNS record: by id, or by name (looked up on first use). */
type RecordTarget =
  | {
      kind: 'record';
      type: RecordType;
      recordId?: string;
      record?: string;
      ttl?: number;
      addresses: Map<string, string>;
    }
  | { kind: 'loadBalancer'; id: string; poolIds: Map<string, string> };

/**
 * Points a Cloudflare DNS record, or a Cloudflare load balancer, at the active
 * region through the Cloudflare API v4 (`Authorization: Bearer <apiToken>`).
 *
 * - DNS record: `zoneId`, `record` (its name) or `recordId`, `type` (`A`
 *   default, `AAAA`, `CNAME`), `ttl` (optional; Cloudflare's 1 is automatic),
 *   `addresses`. `switchTo` PATCHes the record's `content`. A name that matches
 *   several records (round robin) is refused: one PATCH cannot replace them all.
 * - Load balancer: `zoneId`, `loadBalancer: { id, poolIds: { <region>: <pool id> } }`.
 *   A region's address is its pool id; `switchTo` sets `default_pools` to that
 *   pool only and makes it the `fallback_pool`.
 */
export class CloudflareTrafficSwitch implements TrafficSwitch {
  readonly driver = 'cloudflare';

  static fromConfig(name: string, config: Config): CloudflareTrafficSwitch {
    const block = new TrafficConfig(name, config);
    const apiToken = block.secret('apiToken');
    const zoneId = block.string('zoneId');
    const url = block.url('url', DEFAULT_API_URL);
    const drivesLoadBalancer = config.has('loadBalancer');
    if (
      drivesLoadBalancer === (config.has('record') || config.has('recordId'))
    ) {
      block.fail(
        drivesLoadBalancer ? 'loadBalancer' : 'record',
        drivesLoadBalancer
          ? 'cannot be combined with record or recordId: a switch drives one DNS record or one load balancer'
          : 'is required, or recordId, or loadBalancer: what the switch points at',
      );
    }
    let target: RecordTarget;
    if (drivesLoadBalancer) {
      const lbConfig = config.getConfig('loadBalancer');
      const lb = new TrafficConfig(`${name}.loadBalancer`, lbConfig);
      target = {
        kind: 'loadBalancer',
        id: lb.string('id'),
        poolIds: lb.regionMap('poolIds'),
      };
    } else {
      const type = block.recordType('type');
      target = {
        kind: 'record',
        type,
        record: block.optionalString('record'),
        recordId: block.optionalString('recordId'),
        ttl: block.positiveInteger('ttl'),
        addresses: block.addresses(type),
      };
    }
    return new CloudflareTrafficSwitch(name, apiToken, zoneId, url, target);
  }

  private readonly zoneUrl: string;
  /** The record's id, from config or found by name. */
  private recordId?: string;

  private constructor(
    readonly name: string,
    private readonly apiToken: string,
    private readonly zoneId: string,
    url: URL,
    private readonly target: RecordTarget,
  ) {
    this.zoneUrl = `${url
      .toString()
      .replace(/\/+$/, '')}/zones/${encodeURIComponent(zoneId)}`;
    if (target.kind === 'record') {
      this.recordId = target.recordId;
    }
  }

  addressOf(regionRef: string): string | undefined {
    return this.target.kind === 'loadBalancer'
      ? this.target.poolIds.get(regionRef)
      : this.target.addresses.get(regionRef);
  }

  async current(ctx: FailoverStepContext): Promise<string[]> {
    if (this.target.kind === 'loadBalancer') {
      const lb = await this.request<LoadBalancer>(ctx, 'GET', this.lbPath());
      return lb.default_pools;
    }
    const record = await this.request<DnsRecord>(
      ctx,
      'GET',
      await this.recordPath(ctx),
    );
    return [record.content];
  }

  async switchTo(address: string, ctx: FailoverStepContext): Promise<void> {
    if (this.target.kind === 'loadBalancer') {
      const known = [...this.target.poolIds.values()];
      if (!known.includes(address)) {
        throw new Error(
          `${this.describe()}: cannot switch to pool "${address}": it is none of regions.traffic.${
            this.name
          }.loadBalancer.poolIds (${known.join(', ')})`,
        );
      }
      ctx.log(
        `${this.describe()}: setting the default and fallback pool of load balancer ${
          this.target.id
        } to ${address}`,
      );
      const lb = await this.request<LoadBalancer>(ctx, 'PATCH', this.lbPath(), {
        default_pools: [address],
        fallback_pool: address,
      });
      ctx.log(
        `${this.describe()}: load balancer ${
          lb.name
        } now sends traffic to pool ${lb.default_pools.join(', ')}`,
      );
      return;
    }
    const { type, ttl } = this.target;
    const problem = addressProblem(address, type);
    if (problem) {
      throw new Error(`${this.describe()}: cannot switch to ${problem}`);
    }
    const path = await this.recordPath(ctx);
    ctx.log(
      `${this.describe()}: setting ${type} record ${
        this.recordId
      } to ${address}`,
    );
    const record = await this.request<DnsRecord>(ctx, 'PATCH', path, {
      type,
      content: address,
      ...(ttl ? { ttl } : {}),
    });
    ctx.log(
      `${this.describe()}: ${record.name} ${record.type} now ${record.content}`,
    );
  }

  private describe(): string {
    return `traffic switch ${this.name} (cloudflare zone ${this.zoneId})`;
  }

  private lbPath(): string {
    return `/load_balancers/${encodeURIComponent(
      (this.target as { id: string }).id,
    )}`;
  }

  /** The record's path; finds its id by name and type the first time. */
  private async recordPath(ctx: FailoverStepContext): Promise<string> {
    if (!this.recordId) {
      const { record, type } = this.target as { record: string; type: string };
      const name = relativeName(record);
      const query = new URLSearchParams({ name, type });
      const found = await this.request<DnsRecord[]>(
        ctx,
        'GET',
        `/dns_records?${query}`,
      );
      if (found.length !== 1) {
        throw new Error(
          `${this.describe()}: ${
            found.length === 0
              ? `has no ${type} record named ${name}`
              : `has ${found.length} ${type} records named ${name} (ids ${found
                  .map(entry => entry.id)
                  .join(', ')}); keep one, or name it with regions.traffic.${
                  this.name
                }.recordId`
          }`,
        );
      }
      this.recordId = found[0].id;
    }
    return `/dns_records/${encodeURIComponent(this.recordId)}`;
  }

  private async request<T>(
    ctx: FailoverStepContext,
    method: 'GET' | 'PATCH',
    path: string,
    body?: object,
  ): Promise<T> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.zoneUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.apiToken}`,
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: requestSignal(ctx),
      });
      text = await response.text();
    } catch (error) {
      throw this.error(`${method} ${path}: ${reasonOf(error, ctx)}`);
    }
    let envelope: Envelope<T>;
    try {
      envelope = JSON.parse(text);
    } catch {
      throw this.error(
        `${method} ${path} answered HTTP ${
          response.status
        } with something that is not JSON: ${quote(text)}`,
      );
    }
    if (!response.ok || envelope.success !== true) {
      const errors = (envelope.errors ?? [])
        .map(entry => `${entry.code} ${entry.message}`)
        .join('; ');
      throw this.error(
        `${method} ${path} failed (HTTP ${response.status}): ${
          errors || quote(text)
        }${
          response.status === 401 || response.status === 403
            ? `; check regions.traffic.${this.name}.apiToken and its permissions`
            : ''
        }`,
      );
    }
    return envelope.result;
  }

  private error(reason: string): Error {
    return new Error(`${this.describe()}: ${redact(reason, [this.apiToken])}`);
  }
}

/** Builds `cloudflare` traffic switches. */
export const cloudflareTrafficSwitchFactory: TrafficSwitchFactory = {
  driver: 'cloudflare',
  create: (name, config) => CloudflareTrafficSwitch.fromConfig(name, config),
};
