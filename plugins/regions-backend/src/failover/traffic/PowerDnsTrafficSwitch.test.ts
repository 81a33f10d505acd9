import { ConfigReader, JsonObject } from '@backstage/config';
import { FailoverStepContext } from '@meridian/plugin-regions-node';
import { promises as dns } from 'node:dns';
import { PowerDnsLab, startPowerDns } from '../../testing/powerDnsLab';
import { findFreePort } from '../../testing/ports';
import { powerDnsTrafficSwitchFactory } from './PowerDnsTrafficSwitch';

function stepContext() {
  const lines: string[] = [];
  const ctx: FailoverStepContext = {
    signal: new AbortController().signal,
    log: message => lines.push(message),
    ensureLease: async () => {},
  };
  return { ctx, lines };
}

describe('PowerDnsTrafficSwitch against a real PowerDNS', () => {
  let lab: PowerDnsLab;
  let resolver: dns.Resolver;

  beforeAll(async () => {
    lab = await startPowerDns();
    await lab.createZone('meridian.test.', [
      { name: 'api.meridian.test.', type: 'A', content: '10.48.0.10' },
      { name: 'api6.meridian.test.', type: 'AAAA', content: 'fd00:48::10' },
      { name: 'www.meridian.test.', type: 'CNAME', content: 'east.lb.test.' },
    ]);
    resolver = new dns.Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${lab.dnsPort}`]);
  });

  afterAll(async () => {
    await lab?.stop();
  });

  function block(overrides: JsonObject = {}): JsonObject {
    return {
      driver: 'powerdns',
      url: lab.apiUrl,
      apiKey: lab.apiKey,
      zone: 'meridian.test',
      record: 'api.meridian.test',
      addresses: {
        'region:default/us-east': '10.48.0.10',
        'region:default/us-west': '10.49.0.10',
      },
      ...overrides,
    };
  }

  const create = (overrides: JsonObject = {}) =>
    powerDnsTrafficSwitchFactory.create(
      'api-dns',
      new ConfigReader(block(overrides)),
    );

  it('switches an A record: DNS answers the new address, current() agrees, and back again', async () => {
    const trafficSwitch = create();
    const { ctx, lines } = stepContext();
    expect(trafficSwitch.name).toBe('api-dns');
    expect(trafficSwitch.driver).toBe('powerdns');
    expect(trafficSwitch.addressOf('region:default/us-west')).toBe(
      '10.49.0.10',
    );
    expect(trafficSwitch.addressOf('region:default/eu-west')).toBeUndefined();

    expect(await resolver.resolve4('api.meridian.test')).toEqual([
      '10.48.0.10',
    ]);
    expect(await trafficSwitch.current(ctx)).toEqual(['10.48.0.10']);

    await trafficSwitch.switchTo(
      trafficSwitch.addressOf('region:default/us-west')!,
      ctx,
    );

    expect(await resolver.resolve4('api.meridian.test', { ttl: true })).toEqual(
      [{ address: '10.49.0.10', ttl: 30 }],
    );
    expect(await trafficSwitch.current(ctx)).toEqual(['10.49.0.10']);
    expect(lines.join('\n')).toContain(
      'api.meridian.test. A in meridian.test. now 10.49.0.10',
    );
    expect(lines.join('\n')).not.toContain(lab.apiKey);

    await trafficSwitch.switchTo(
      trafficSwitch.addressOf('region:default/us-east')!,
      ctx,
    );
    expect(await resolver.resolve4('api.meridian.test')).toEqual([
      '10.48.0.10',
    ]);
  });

  it('replaces every address of the record with the one switched to, with the configured TTL', async () => {
    const trafficSwitch = create({ ttl: 5 });
    const { ctx } = stepContext();
    // Round-robin across both regions, then a switch to us-west only.
    const response = await fetch(
      `${lab.apiUrl}/api/v1/servers/localhost/zones/meridian.test.`,
      {
        method: 'PATCH',
        headers: { 'X-API-Key': lab.apiKey },
        body: JSON.stringify({
          rrsets: [
            {
              name: 'api.meridian.test.',
              type: 'A',
              ttl: 30,
              changetype: 'REPLACE',
              records: [
                { content: '10.48.0.10', disabled: false },
                { content: '10.49.0.10', disabled: false },
              ],
            },
          ],
        }),
      },
    );
    expect(response.status).toBe(204);
    expect((await trafficSwitch.current(ctx)).sort()).toEqual([
      '10.48.0.10',
      '10.49.0.10',
    ]);

    await trafficSwitch.switchTo('10.49.0.10', ctx);

    expect(await resolver.resolve4('api.meridian.test', { ttl: true })).toEqual(
      [{ address: '10.49.0.10', ttl: 5 }],
    );
    await trafficSwitch.switchTo('10.48.0.10', ctx);
  });

  it('splits traffic with a LUA record when luaRecords is on, and puts the plain record back', async () => {
    const plain = create();
    expect(plain.weigh).toBeUndefined();
    const trafficSwitch = create({ luaRecords: true, ttl: 1 });
    const { ctx, lines } = stepContext();
    const answers = async () =>
      new Set(
        (
          await Promise.all(
            Array.from({ length: 20 }, () =>
              resolver.resolve4('api.meridian.test'),
            ),
          )
        ).flat(),
      );

    await trafficSwitch.weigh!(
      [
        { address: '10.48.0.10', percent: 0 },
        { address: '10.49.0.10', percent: 100 },
      ],
      ctx,
    );
    expect([...(await answers())]).toEqual(['10.49.0.10']);
    await trafficSwitch.weigh!(
      [
        { address: '10.48.0.10', percent: 100 },
        { address: '10.49.0.10', percent: 0 },
      ],
      ctx,
    );
    // PowerDNS serves the LUA record's pick, one address per answer
    expect([...(await answers())]).toEqual(['10.48.0.10']);

    await trafficSwitch.weigh!(
      [
        { address: '10.48.0.10', percent: 25 },
        { address: '10.49.0.10', percent: 75 },
      ],
      ctx,
    );
    expect(await trafficSwitch.currentWeights!(ctx)).toEqual([
      { address: '10.48.0.10', percent: 25 },
      { address: '10.49.0.10', percent: 75 },
    ]);
    expect(await trafficSwitch.current(ctx)).toEqual([
      '10.48.0.10',
      '10.49.0.10',
    ]);
    const zone = await fetch(
      `${lab.apiUrl}/api/v1/servers/localhost/zones/meridian.test.`,
      { headers: { 'X-API-Key': lab.apiKey } },
    ).then(r => r.json());
    const typesOf = (z: { rrsets: { name: string; type: string }[] }) =>
      z.rrsets
        .filter(r => r.name === 'api.meridian.test.')
        .map(r => r.type)
        .sort();
    expect(typesOf(zone)).toEqual(['LUA']);
    expect(lines.join('\n')).toContain(
      'LUA api.meridian.test. A pickwrandom(25 % 10.48.0.10, 75 % 10.49.0.10)',
    );

    await trafficSwitch.switchTo('10.48.0.10', ctx);
    expect(await resolver.resolve4('api.meridian.test')).toEqual([
      '10.48.0.10',
    ]);
    expect(await trafficSwitch.currentWeights!(ctx)).toEqual([
      { address: '10.48.0.10', percent: 100 },
    ]);
    const after = await fetch(
      `${lab.apiUrl}/api/v1/servers/localhost/zones/meridian.test.`,
      { headers: { 'X-API-Key': lab.apiKey } },
    ).then(r => r.json());
    expect(typesOf(after)).toEqual(['A']);
    await expect(
      trafficSwitch.weigh!(
        [
          { address: "10.48.0.10'..os.exit()..'", percent: 50 },
          { address: '10.49.0.10', percent: 50 },
        ],
        ctx,
      ),
    ).rejects.toThrow('is not an IPv4 address (the record type is A)');
  });

  it('switches AAAA and CNAME records', async () => {
    const { ctx } = stepContext();
    const aaaa = create({
      record: 'api6.meridian.test.',
      type: 'AAAA',
      addresses: {
        'region:default/us-east': 'fd00:48::10',
        'region:default/us-west': 'fd00:49::10',
      },
    });
    await aaaa.switchTo('fd00:49::10', ctx);
    expect(await resolver.resolve6('api6.meridian.test')).toEqual([
      'fd00:49::10',
    ]);
    expect(await aaaa.current(ctx)).toEqual(['fd00:49::10']);

    const cname = create({
      record: 'www.meridian.test',
      type: 'CNAME',
      addresses: {
        'region:default/us-east': 'east.lb.test',
        'region:default/us-west': 'west.lb.test',
      },
    });
    expect(await cname.current(ctx)).toEqual(['east.lb.test']);
    await cname.switchTo('west.lb.test', ctx);
    expect(await resolver.resolveCname('www.meridian.test')).toEqual([
      'west.lb.test',
    ]);
    expect(await cname.current(ctx)).toEqual(['west.lb.test']);
  });

  it('says the API key was refused, without the key', async () => {
    const wrongKey = 'wrong-key-0123456789';
    const trafficSwitch = create({ apiKey: wrongKey });
    const { ctx } = stepContext();

    const error: Error = await trafficSwitch.switchTo('10.49.0.10', ctx).then(
      () => new Error('switched'),
      e => e,
    );

    expect(error.message).toBe(
      `traffic switch api-dns (powerdns at ${lab.apiUrl}): the API key was refused (HTTP 401); check regions.traffic.api-dns.apiKey`,
    );
    expect(error.message).not.toContain(wrongKey);
    await expect(trafficSwitch.current(ctx)).rejects.toThrow(
      'the API key was refused (HTTP 401)',
    );
    // Nothing changed.
    expect(await resolver.resolve4('api.meridian.test')).toEqual([
      '10.48.0.10',
    ]);
  });

  it('reports an unknown zone, a record PowerDNS rejects and a server that does not answer', async () => {
    const { ctx } = stepContext();
    await expect(
      create({ zone: 'nowhere.test', record: 'api.nowhere.test' }).current(ctx),
    ).rejects.toThrow(
      `traffic switch api-dns (powerdns at ${lab.apiUrl}): no zone nowhere.test. on server localhost (HTTP 404`,
    );

    // A CNAME where an A record exists: PowerDNS answers 422 with its reason.
    const conflicting = create({
      record: 'api.meridian.test',
      type: 'CNAME',
      addresses: { 'region:default/us-west': 'west.lb.test' },
    });
    await expect(conflicting.switchTo('west.lb.test', ctx)).rejects.toThrow(
      /answered HTTP 422: .*api\.meridian\.test/,
    );

    await expect(create().switchTo('10.48.0.300', ctx)).rejects.toThrow(
      'traffic switch api-dns (powerdns at',
    );
    await expect(create().switchTo('10.48.0.300', ctx)).rejects.toThrow(
      'cannot switch to "10.48.0.300" is not an IPv4 address (the record type is A)',
    );

    const closedPort = await findFreePort();
    const down = create({ url: `http://127.0.0.1:${closedPort}` });
    await expect(down.current(ctx)).rejects.toThrow(
      `traffic switch api-dns (powerdns at http://127.0.0.1:${closedPort}): connection refused`,
    );
  });
});

describe('powerDnsTrafficSwitchFactory config validation', () => {
  const valid: JsonObject = {
    driver: 'powerdns',
    url: 'http://pdns.internal:8081',
    apiKey: 's3cr3t-api-key',
    zone: 'meridian.test.',
    record: 'api.meridian.test.',
    addresses: { 'region:default/us-east': '10.48.0.10' },
  };
  const create = (block: JsonObject) =>
    powerDnsTrafficSwitchFactory.create('api-dns', new ConfigReader(block));

  it.each([
    [{ url: undefined }, 'regions.traffic.api-dns.url is required'],
    [
      { url: 'pdns.internal:8081' },
      'regions.traffic.api-dns.url "pdns.internal:8081" is not an http or https URL',
    ],
    [
      { apiKey: undefined },
      'regions.traffic.api-dns.apiKey is required (a secret; use ${ENV_VAR} substitution)',
    ],
    [{ zone: undefined }, 'regions.traffic.api-dns.zone is required'],
    [
      { record: 'api.other.test' },
      'regions.traffic.api-dns.record "api.other.test." is not in the zone meridian.test.',
    ],
    [
      { type: 'MX' },
      'regions.traffic.api-dns.type "MX" is not one of A, AAAA, CNAME',
    ],
    [
      { ttl: 0 },
      'regions.traffic.api-dns.ttl must be a positive integer, not 0',
    ],
    [
      { addresses: undefined },
      'regions.traffic.api-dns.addresses is required: one entry per region ref',
    ],
    [
      { addresses: { 'region:default/us-east': '10.48.0.256' } },
      'regions.traffic.api-dns.addresses.region:default/us-east "10.48.0.256" is not an IPv4 address (the record type is A)',
    ],
    [
      { type: 'AAAA', addresses: { 'region:default/us-east': '10.48.0.10' } },
      'regions.traffic.api-dns.addresses.region:default/us-east "10.48.0.10" is not an IPv6 address (the record type is AAAA)',
    ],
    [
      { type: 'CNAME', addresses: { 'region:default/us-east': '10.48.0.10' } },
      'regions.traffic.api-dns.addresses.region:default/us-east "10.48.0.10" is not a host name (the record type is CNAME)',
    ],
  ])('rejects %j: %s', (overrides, message) => {
    const block = { ...valid, ...overrides } as Record<string, unknown>;
    for (const key of Object.keys(block)) {
      if (block[key] === undefined) delete block[key];
    }
    expect(() => create(block as JsonObject)).toThrow(message);
  });

  it('never shows the API key, even when it is malformed', () => {
    expect(() => create({ ...valid, apiKey: 12345678 })).toThrow(
      /^regions\.traffic\.api-dns\.apiKey must be a non-empty string$/,
    );
  });
});
