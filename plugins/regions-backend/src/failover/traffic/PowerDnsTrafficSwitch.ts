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
  weightsProblem,
} from './common';

type Weights = { address: string; percent: number }[];

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
 * `CNAME`), `ttl` (default 30), `addresses`, `luaRecords` (default false).
 *
 * With `luaRecords: true` (the server runs with `enable-lua-records=yes`) it
 * can also split traffic for a canary: a LUA record `pickwrandom` over the
 * addresses and their weights replaces the plain record, and `switchTo` puts
 * the plain record back and deletes the LUA one, in one atomic PATCH.
 */
export class PowerDnsTrafficSwitch implements TrafficSwitch {
  readonly driver = 'powerdns';

  /** The API base without a trailing slash, the only form a message shows. */
  private readonly apiBase: string;
  private readonly zoneUrl: string;

  constructor(
    readonly name: string,
    protected readonly options: {
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
    const { plain, lua } = await this.rrsets(ctx);
    if (lua) {
      return weightsOfLua(lua)
        .filter(w => w.percent > 0)
        .map(w => w.address);
    }
    return (plain?.records ?? [])
      .filter(entry => !entry.disabled)
      .map(entry => this.fromContent(entry.content));
  }

  /** The record's plain rrset and its LUA rrset (a canary's split), as the API has them. */
  protected async rrsets(
    ctx: FailoverStepContext,
  ): Promise<{ plain?: PowerDnsRrset; lua?: PowerDnsRrset }> {
    const { record, type } = this.options;
    const query = new URLSearchParams({ rrsets: 'true', rrset_name: record });
    const zone = (await this.request(ctx, 'GET', `?${query}`)) as {
      rrsets?: PowerDnsRrset[];
    };
    // Servers before 4.8 ignore the rrset filter: pick the rrsets here.
    const of = (wanted: string) =>
      zone.rrsets?.find(
        candidate =>
          absoluteName(candidate.name) === record && candidate.type === wanted,
      );
    const lua = of('LUA');
    return {
      plain: of(type),
      lua: lua?.records.some(entry => !entry.disabled) ? lua : undefined,
    };
  }

  async switchTo(address: string, ctx: FailoverStepContext): Promise<void> {
    const { record, type, ttl, zone } = this.options;
    const problem = addressProblem(address, type);
    if (problem) {
      throw new Error(`${this.describe()}: cannot switch to ${problem}`);
    }
    ctx.log(`${this.describe()}: replacing ${record} ${type} with ${address}`);
    // The LUA rrset of a canary goes in the same PATCH: no answer mixes both.
    await this.request(ctx, 'PATCH', '', {
      rrsets: [
        {
          name: record,
          type,
          ttl,
          changetype: 'REPLACE',
          records: [{ content: this.toContent(address), disabled: false }],
        },
        { name: record, type: 'LUA', changetype: 'DELETE' },
      ],
    });
    ctx.log(`${this.describe()}: ${record} ${type} in ${zone} now ${address}`);
  }

  protected describe(): string {
    return `traffic switch ${this.name} (powerdns at ${this.apiBase})`;
  }

  /** A CNAME target is an absolute name in PowerDNS; addresses are spelled without the dot. */
  protected toContent(address: string): string {
    return this.options.type === 'CNAME' ? absoluteName(address) : address;
  }

  protected fromContent(content: string): string {
    return this.options.type === 'CNAME' ? content.replace(/\.$/, '') : content;
  }

  protected async request(
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

/** A PowerDNS switch on a server with LUA records: it can split traffic. */
class PowerDnsLuaTrafficSwitch extends PowerDnsTrafficSwitch {
  async weigh(weights: Weights, ctx: FailoverStepContext): Promise<void> {
    const { record, type, ttl } = this.options;
    const problem =
      weightsProblem(weights) ??
      weights.map(w => addressProblem(w.address, type)).find(Boolean);
    if (problem) {
      throw new Error(`${this.describe()}: cannot weigh: ${problem}`);
    }
    // Addresses are checked above: no quote can reach the Lua snippet.
    const pairs = weights
      .map(w => `{${w.percent}, '${this.toContent(w.address)}'}`)
      .join(', ');
    ctx.log(
      `${this.describe()}: LUA ${record} ${type} pickwrandom(${weights
        .map(w => `${w.percent} % ${w.address}`)
        .join(', ')})`,
    );
    await this.request(ctx, 'PATCH', '', {
      rrsets: [
        {
          name: record,
          type: 'LUA',
          ttl,
          changetype: 'REPLACE',
          records: [
            { content: `${type} "pickwrandom({${pairs}})"`, disabled: false },
          ],
        },
        { name: record, type, changetype: 'DELETE' },
      ],
    });
  }

  async currentWeights(ctx: FailoverStepContext): Promise<Weights> {
    const { plain, lua } = await this.rrsets(ctx);
    if (lua) {
      return weightsOfLua(lua).map(w => ({
        ...w,
        address: this.fromContent(w.address),
      }));
    }
    const addresses = (plain?.records ?? []).filter(entry => !entry.disabled);
    return addresses.map(entry => ({
      address: this.fromContent(entry.content),
      percent: Math.round(100 / addresses.length),
    }));
  }
}

/** The addresses and percents of a `pickwrandom` LUA record Meridian wrote. */
function weightsOfLua(rrset: PowerDnsRrset): Weights {
  const content = rrset.records.find(entry => !entry.disabled)?.content ?? '';
  const pairs = [...content.matchAll(/\{\s*(\d+)\s*,\s*'([^']+)'\s*\}/g)];
  const total = pairs.reduce((sum, [, weight]) => sum + Number(weight), 0);
  return pairs.map(([, weight, address]) => ({
    address: address.replace(/\.$/, ''),
    percent: total ? Math.round((Number(weight) * 100) / total) : 0,
  }));
}

/** Builds `powerdns` traffic switches; with `luaRecords`, ones that can split traffic. */
export const powerDnsTrafficSwitchFactory: TrafficSwitchFactory = {
  driver: 'powerdns',
  create(name: string, config: Config): TrafficSwitch {
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
    const options = {
      url,
      apiKey,
      serverId,
      zone,
      record,
      type,
      ttl: block.positiveInteger('ttl', 30)!,
      addresses: block.addresses(type),
    };
    return config.getOptionalBoolean('luaRecords')
      ? new PowerDnsLuaTrafficSwitch(name, options)
      : new PowerDnsTrafficSwitch(name, options);
  },
};
