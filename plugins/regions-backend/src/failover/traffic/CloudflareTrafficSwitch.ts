import { Config } from '@backstage/config';
import {
  FailoverStepContext,
  TrafficSwitch,
  TrafficSwitchFactory,
} from '@meridian/plugin-regions-node';
import { CloudflareApi } from './CloudflareApi';
import { CloudflareLoadBalancerSwitch } from './CloudflareLoadBalancerSwitch';
import {
  addressProblem,
  RecordType,
  relativeName,
  TrafficConfig,
} from './common';

const DEFAULT_API_URL = 'https://api.cloudflare.com/client/v4';

interface DnsRecord {
  id: string;
  name: string;
  type: string;
  content: string;
}

/**
 * Points a Cloudflare DNS record at the active region through the Cloudflare
 * API v4: `zoneId`, `record` (its name) or `recordId`, `type` (`A` default,
 * `AAAA`, `CNAME`), `ttl` (optional; Cloudflare's 1 is automatic),
 * `addresses`. `switchTo` PATCHes the record's `content`. A name that matches
 * several records (round robin) is refused: one PATCH cannot replace them all.
 * A DNS record cannot split traffic; a load balancer can
 * ({@link CloudflareLoadBalancerSwitch}).
 */
export class CloudflareRecordSwitch implements TrafficSwitch {
  readonly driver = 'cloudflare';
  /** The record's id, from config or found by name. */
  private recordId?: string;

  constructor(
    readonly name: string,
    private readonly api: CloudflareApi,
    private readonly target: {
      type: RecordType;
      recordId?: string;
      record?: string;
      ttl?: number;
      addresses: Map<string, string>;
    },
  ) {
    this.recordId = target.recordId;
  }

  addressOf(regionRef: string): string | undefined {
    return this.target.addresses.get(regionRef);
  }

  async current(ctx: FailoverStepContext): Promise<string[]> {
    const record = await this.api.request<DnsRecord>(
      ctx,
      'GET',
      await this.recordPath(ctx),
    );
    return [record.content];
  }

  async switchTo(address: string, ctx: FailoverStepContext): Promise<void> {
    const { type, ttl } = this.target;
    const problem = addressProblem(address, type);
    if (problem) {
      throw new Error(`${this.api.describe()}: cannot switch to ${problem}`);
    }
    const path = await this.recordPath(ctx);
    ctx.log(
      `${this.api.describe()}: setting ${type} record ${
        this.recordId
      } to ${address}`,
    );
    const record = await this.api.request<DnsRecord>(ctx, 'PATCH', path, {
      type,
      content: address,
      ...(ttl ? { ttl } : {}),
    });
    ctx.log(
      `${this.api.describe()}: ${record.name} ${record.type} now ${
        record.content
      }`,
    );
  }

  /** The record's path; finds its id by name and type the first time. */
  private async recordPath(ctx: FailoverStepContext): Promise<string> {
    if (!this.recordId) {
      const { record, type } = this.target;
      const name = relativeName(record!);
      const query = new URLSearchParams({ name, type });
      const found = await this.api.request<DnsRecord[]>(
        ctx,
        'GET',
        `/dns_records?${query}`,
      );
      if (found.length !== 1) {
        throw new Error(
          `${this.api.describe()}: ${
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
}

/**
 * Builds `cloudflare` traffic switches: a DNS record (`record` or `recordId`)
 * or a load balancer (`loadBalancer`), never both.
 */
export const cloudflareTrafficSwitchFactory: TrafficSwitchFactory = {
  driver: 'cloudflare',
  create(name: string, config: Config): TrafficSwitch {
    const block = new TrafficConfig(name, config);
    const api = new CloudflareApi(
      name,
      block.secret('apiToken'),
      block.string('zoneId'),
      block.url('url', DEFAULT_API_URL),
    );
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
    if (drivesLoadBalancer) {
      const lb = new TrafficConfig(
        `${name}.loadBalancer`,
        config.getConfig('loadBalancer'),
      );
      return new CloudflareLoadBalancerSwitch(
        name,
        api,
        lb.string('id'),
        lb.regionMap('poolIds'),
      );
    }
    const type = block.recordType('type');
    return new CloudflareRecordSwitch(name, api, {
      type,
      record: block.optionalString('record'),
      recordId: block.optionalString('recordId'),
      ttl: block.positiveInteger('ttl'),
      addresses: block.addresses(type),
    });
  },
};
