import { Config } from '@backstage/config';
import {
  FailoverStepContext,
  TrafficSwitch,
  TrafficSwitchFactory,
} from '@meridian/plugin-regions-node';
import {
  absoluteName,
  addressProblem,
  quote,
  reasonOf,
  RecordType,
  redact,
  requestSignal,
  TrafficConfig,
} from './common';

interface PowerDnsRrset {
  name: string;
  type: string;
  ttl: number;
  records: { content: string; disabled: boolean }[];
}

/**
 * Points one record of a PowerDNS authoritative server at the active region,
 * through its HTTP API (`/api/v1`, `X-API-Key`): a `REPLACE` of the record's
 * rrset, which PowerDNS applies atomically and serves at once (it purges its
 * caches of the zone).
 *
 * Config (`regions.traffic.<name>`): `url`, `apiKey` (secret), `serverId`
 * (default `localhost`), `zone`, `record`, `type` (`A` default, `AAAA`,
 * `CNAME`), `ttl` (default 30), `addresses`.
 */
export class PowerDnsTrafficSwitch implements TrafficSwitch {
  readonly driver = 'powerdns';

  static fromConfig(name: string, config: Config): PowerDnsTrafficSwitch {
    const block = new TrafficConfig(name, config);
    const url = block.url('url');
    const apiKey = block.secret('apiKey');
    const serverId = block.optionalString('serverId') ?? 'localhost';
    const zone = absoluteName(block.string('zone'));
    const record = absoluteName(block.string('record'));
    if (record !== zone && !record.endsWith(`.${zone}`)) {
      block.fail('record', `"${record}" is not in the zone ${zone}`);
    }
    const type = block.recordType('type');
    const ttl = block.positiveInteger('ttl', 30)!;
    const addresses = block.addresses(type);
    return new PowerDnsTrafficSwitch(name, {
      url,
      apiKey,
      serverId,
      zone,
      record,
      type,
      ttl,
      addresses,
    });
  }

  /** The API base without a trailing slash, the only form a message shows. */
  private readonly apiBase: string;
  private readonly zoneUrl: string;

  private constructor(
    readonly name: string,
    private readonly options: {
      url: URL;
      apiKey: string;
      serverId: string;
      zone: string;
      record: string;
      type: RecordType;
      ttl: number;
      addresses: Map<string, string>;
    },
  ) {
    this.apiBase = options.url.toString().replace(/\/+$/, '');
    this.zoneUrl = `${this.apiBase}/api/v1/servers/${encodeURIComponent(
      options.serverId,
    )}/zones/${encodeURIComponent(options.zone)}`;
  }

  addressOf(regionRef: string): string | undefined {
    return this.options.addresses.get(regionRef);
  }

  async current(ctx: FailoverStepContext): Promise<string[]> {
    const { record, type } = this.options;
    const query = new URLSearchParams({
      rrsets: 'true',
      rrset_name: record,
      rrset_type: type,
    });
    const zone = (await this.request(ctx, 'GET', `?${query}`)) as {
      rrsets?: PowerDnsRrset[];
    };
    // Servers before 4.8 may ignore the rrset filter: pick the rrset here.
    const rrset = zone.rrsets?.find(
      candidate =>
        absoluteName(candidate.name) === record && candidate.type === type,
    );
    return (rrset?.records ?? [])
      .filter(entry => !entry.disabled)
      .map(entry => this.fromContent(entry.content));
  }

  async switchTo(address: string, ctx: FailoverStepContext): Promise<void> {
    const { record, type, ttl, zone } = this.options;
    const problem = addressProblem(address, type);
    if (problem) {
      throw new Error(`${this.describe()}: cannot switch to ${problem}`);
    }
    ctx.log(`${this.describe()}: replacing ${record} ${type} with ${address}`);
    const rrset: PowerDnsRrset & { changetype: 'REPLACE' } = {
      name: record,
      type,
      ttl,
      changetype: 'REPLACE',
      records: [{ content: this.toContent(address), disabled: false }],
    };
    await this.request(ctx, 'PATCH', '', { rrsets: [rrset] });
    ctx.log(`${this.describe()}: ${record} ${type} in ${zone} now ${address}`);
  }

  private describe(): string {
    return `traffic switch ${this.name} (powerdns at ${this.apiBase})`;
  }

  /** A CNAME target is an absolute name in PowerDNS; addresses are spelled without the dot. */
  private toContent(address: string): string {
    return this.options.type === 'CNAME' ? absoluteName(address) : address;
  }

  private fromContent(content: string): string {
    return this.options.type === 'CNAME' ? content.replace(/\.$/, '') : content;
  }

  private async request(
    ctx: FailoverStepContext,
    method: 'GET' | 'PATCH',
    suffix: string,
    body?: unknown,
  ): Promise<unknown> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.zoneUrl}${suffix}`, {
        method,
        headers: {
          'X-API-Key': this.options.apiKey,
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: requestSignal(ctx),
      });
      text = await response.text();
    } catch (error) {
      throw this.error(reasonOf(error, ctx));
    }
    if (!response.ok) {
      throw this.error(this.httpProblem(response.status, text));
    }
    if (method === 'PATCH') {
      return undefined; // 204 No Content
    }
    try {
      return JSON.parse(text);
    } catch {
      throw this.error(`answered something that is not JSON: ${quote(text)}`);
    }
  }

  private httpProblem(status: number, text: string): string {
    const { serverId, zone } = this.options;
    let detail: string | undefined;
    try {
      detail = (JSON.parse(text) as { error?: string }).error;
    } catch {
      detail = undefined;
    }
    switch (status) {
      case 401:
      case 403:
        return `the API key was refused (HTTP ${status}); check regions.traffic.${this.name}.apiKey`;
      case 404:
        return `no zone ${zone} on server ${serverId} (HTTP 404${
          detail ? `: ${detail}` : ''
        })`;
      default:
        return `answered HTTP ${status}: ${detail ?? quote(text)}`;
    }
  }

  private error(reason: string): Error {
    return new Error(
      `${this.describe()}: ${redact(reason, [this.options.apiKey])}`,
    );
  }
}

/** Builds `powerdns` traffic switches. */
export const powerDnsTrafficSwitchFactory: TrafficSwitchFactory = {
  driver: 'powerdns',
  create: (name, config) => PowerDnsTrafficSwitch.fromConfig(name, config),
};
