import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { ConfigReader, JsonObject } from '@backstage/config';
import { FailoverStepContext } from '@meridian/plugin-regions-node';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { cloudflareTrafficSwitchFactory } from './CloudflareTrafficSwitch';

const API = 'https://api.cloudflare.com/client/v4';
const ZONE_ID = '023e105f4ecef8ad9ca31a8372d0c353';
const RECORD_ID = '372e67954025e0ba6aaa6d586b9e0b59';
const LB_ID = '699d98642c564d2e855e9661899b7252';
const EAST_POOL = '17b5962d775c646f3f9725cbc7a53df4';
const WEST_POOL = '9290f38c5d07c2e2f4df57b1f61d4196';
const TOKEN = 'cf-token-Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQ';

/** A DNS record as Cloudflare's API answers it. */
function dnsRecord(content: string, id = RECORD_ID) {
  return {
    id,
    zone_id: ZONE_ID,
    zone_name: 'meridian.dev',
    name: 'api.meridian.dev',
    type: 'A',
    content,
    proxiable: true,
    proxied: false,
    ttl: 60,
    settings: {},
    meta: {},
    comment: null,
    tags: [],
    created_on: '2026-01-10T05:20:00.12345Z',
    modified_on: '2026-01-10T05:20:00.12345Z',
  };
}

function loadBalancer(pool: string) {
  return {
    id: LB_ID,
    name: 'api.meridian.dev',
    description: 'payments API',
    enabled: true,
    proxied: true,
    ttl: 30,
    default_pools: [pool],
    fallback_pool: pool,
    region_pools: {},
    pop_pools: {},
    country_pools: {},
    steering_policy: 'off',
    session_affinity: 'none',
    created_on: '2026-01-10T05:20:00.12345Z',
    modified_on: '2026-01-10T05:20:00.12345Z',
  };
}

const ok = (result: unknown, extra: object = {}) =>
  HttpResponse.json({
    success: true,
    errors: [],
    messages: [],
    result,
    ...extra,
  });

const failure = (status: number, code: number, message: string) =>
  HttpResponse.json(
    { success: false, errors: [{ code, message }], messages: [], result: null },
    { status },
  );

function stepContext() {
  const lines: string[] = [];
  const ctx: FailoverStepContext = {
    signal: new AbortController().signal,
    log: message => lines.push(message),
    ensureLease: async () => {},
  };
  return { ctx, lines };
}

const create = (block: JsonObject) =>
  cloudflareTrafficSwitchFactory.create('api-cf', new ConfigReader(block));

describe('CloudflareTrafficSwitch against Cloudflare API v4 answers', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  afterEach(() => server.events.removeAllListeners());

  /** Records every request the fake API receives. */
  function recordRequests() {
    const seen: {
      method: string;
      url: string;
      authorization: string | null;
      body: unknown;
    }[] = [];
    server.events.on('request:start', async ({ request }) => {
      const entry = {
        method: request.method,
        url: request.url,
        authorization: request.headers.get('authorization'),
        body: undefined as unknown,
      };
      seen.push(entry);
      const text = await request.clone().text();
      entry.body = text ? JSON.parse(text) : undefined;
    });
    return seen;
  }

  const recordBlock: JsonObject = {
    driver: 'cloudflare',
    apiToken: TOKEN,
    zoneId: ZONE_ID,
    record: 'api.meridian.dev',
    addresses: {
      'region:default/us-east': '203.0.113.10',
      'region:default/us-west': '198.51.100.20',
    },
  };

  it('finds a record by name and type, PATCHes its content, and reads it back', async () => {
    let content = '203.0.113.10';
    server.use(
      http.get(`${API}/zones/${ZONE_ID}/dns_records`, () =>
        ok([dnsRecord(content)], {
          result_info: {
            page: 1,
            per_page: 100,
            count: 1,
            total_count: 1,
            total_pages: 1,
          },
        }),
      ),
      http.get(`${API}/zones/${ZONE_ID}/dns_records/${RECORD_ID}`, () =>
        ok(dnsRecord(content)),
      ),
      http.patch(
        `${API}/zones/${ZONE_ID}/dns_records/${RECORD_ID}`,
        async ({ request }) => {
          content = ((await request.json()) as { content: string }).content;
          return ok(dnsRecord(content));
        },
      ),
    );
    const seen = recordRequests();
    const trafficSwitch = create(recordBlock);
    const { ctx, lines } = stepContext();

    expect(trafficSwitch.driver).toBe('cloudflare');
    expect(trafficSwitch.addressOf('region:default/us-west')).toBe(
      '198.51.100.20',
    );
    expect(await trafficSwitch.current(ctx)).toEqual(['203.0.113.10']);
    await trafficSwitch.switchTo('198.51.100.20', ctx);
    expect(await trafficSwitch.current(ctx)).toEqual(['198.51.100.20']);

    expect(seen.map(r => `${r.method} ${r.url}`)).toEqual([
      `GET ${API}/zones/${ZONE_ID}/dns_records?name=api.meridian.dev&type=A`,
      `GET ${API}/zones/${ZONE_ID}/dns_records/${RECORD_ID}`,
      `PATCH ${API}/zones/${ZONE_ID}/dns_records/${RECORD_ID}`,
      `GET ${API}/zones/${ZONE_ID}/dns_records/${RECORD_ID}`,
    ]);
    expect(seen[2].body).toEqual({ type: 'A', content: '198.51.100.20' });
    expect(new Set(seen.map(r => r.authorization))).toEqual(
      new Set([`Bearer ${TOKEN}`]),
    );
    expect(lines.join('\n')).toContain('api.meridian.dev A now 198.51.100.20');
  });

  it('uses a configured recordId and ttl without looking the record up', async () => {
    server.use(
      http.patch(
        `${API}/zones/${ZONE_ID}/dns_records/${RECORD_ID}`,
        async ({ request }) =>
          ok(
            dnsRecord(((await request.json()) as { content: string }).content),
          ),
      ),
    );
    const seen = recordRequests();
    const { record, ...byId } = recordBlock;
    await create({ ...byId, recordId: RECORD_ID, ttl: 60 }).switchTo(
      '198.51.100.20',
      stepContext().ctx,
    );
    expect(seen).toEqual([
      expect.objectContaining({
        method: 'PATCH',
        body: { type: 'A', content: '198.51.100.20', ttl: 60 },
      }),
    ]);
  });

  it('refuses a name that matches no record or several, changing nothing', async () => {
    const records = [
      dnsRecord('203.0.113.10', 'a1'),
      dnsRecord('198.51.100.20', 'b2'),
    ];
    server.use(
      http.get(`${API}/zones/${ZONE_ID}/dns_records`, () => ok(records)),
    );
    const seen = recordRequests();
    const { ctx } = stepContext();
    await expect(
      create(recordBlock).switchTo('198.51.100.20', ctx),
    ).rejects.toThrow(
      `traffic switch api-cf (cloudflare zone ${ZONE_ID}): has 2 A records named api.meridian.dev (ids a1, b2); keep one, or name it with regions.traffic.api-cf.recordId`,
    );
    records.length = 0;
    await expect(create(recordBlock).current(ctx)).rejects.toThrow(
      'has no A record named api.meridian.dev',
    );
    expect(seen.every(r => r.method === 'GET')).toBe(true);
  });

  it("turns Cloudflare's error envelope into a message naming the switch, never the token", async () => {
    server.use(
      http.get(`${API}/zones/${ZONE_ID}/dns_records`, () =>
        failure(403, 10000, 'Authentication error'),
      ),
      http.patch(`${API}/zones/${ZONE_ID}/dns_records/${RECORD_ID}`, () =>
        failure(400, 81058, 'An identical record already exists.'),
      ),
    );
    const { ctx } = stepContext();

    const denied: Error = await create(recordBlock)
      .current(ctx)
      .catch(e => e);
    expect(denied.message).toBe(
      `traffic switch api-cf (cloudflare zone ${ZONE_ID}): GET /dns_records?name=api.meridian.dev&type=A failed (HTTP 403): 10000 Authentication error; check regions.traffic.api-cf.apiToken and its permissions`,
    );

    const { record, ...byId } = recordBlock;
    const rejected: Error = await create({ ...byId, recordId: RECORD_ID })
      .switchTo('198.51.100.20', ctx)
      .catch(e => e);
    expect(rejected.message).toBe(
      `traffic switch api-cf (cloudflare zone ${ZONE_ID}): PATCH /dns_records/${RECORD_ID} failed (HTTP 400): 81058 An identical record already exists.`,
    );
    for (const error of [denied, rejected]) {
      expect(error.message).not.toContain(TOKEN);
    }
  });

  it('reports success:false even on HTTP 200, and a body that is not JSON', async () => {
    server.use(
      http.get(`${API}/zones/${ZONE_ID}/dns_records/${RECORD_ID}`, () =>
        HttpResponse.json({
          success: false,
          errors: [{ code: 1000, message: 'Internal error' }],
          messages: [],
          result: null,
        }),
      ),
      http.patch(`${API}/zones/${ZONE_ID}/dns_records/${RECORD_ID}`, () =>
        HttpResponse.text('<html>502 Bad Gateway</html>', { status: 502 }),
      ),
    );
    const { record, ...byId } = recordBlock;
    const trafficSwitch = create({ ...byId, recordId: RECORD_ID });
    const { ctx } = stepContext();
    await expect(trafficSwitch.current(ctx)).rejects.toThrow(
      'failed (HTTP 200): 1000 Internal error',
    );
    await expect(trafficSwitch.switchTo('198.51.100.20', ctx)).rejects.toThrow(
      `PATCH /dns_records/${RECORD_ID} answered HTTP 502 with something that is not JSON: <html>502 Bad Gateway</html>`,
    );
  });

  describe('load balancer', () => {
    const lbBlock: JsonObject = {
      driver: 'cloudflare',
      apiToken: TOKEN,
      zoneId: ZONE_ID,
      loadBalancer: {
        id: LB_ID,
        poolIds: {
          'region:default/us-east': EAST_POOL,
          'region:default/us-west': WEST_POOL,
        },
      },
    };

    it("sets the default and fallback pool to the target region's pool and reads them back", async () => {
      let pool = EAST_POOL;
      server.use(
        http.get(`${API}/zones/${ZONE_ID}/load_balancers/${LB_ID}`, () =>
          ok(loadBalancer(pool)),
        ),
        http.patch(
          `${API}/zones/${ZONE_ID}/load_balancers/${LB_ID}`,
          async ({ request }) => {
            pool = ((await request.json()) as { fallback_pool: string })
              .fallback_pool;
            return ok(loadBalancer(pool));
          },
        ),
      );
      const seen = recordRequests();
      const trafficSwitch = create(lbBlock);
      const { ctx, lines } = stepContext();

      expect(trafficSwitch.addressOf('region:default/us-west')).toBe(WEST_POOL);
      expect(await trafficSwitch.current(ctx)).toEqual([EAST_POOL]);
      await trafficSwitch.switchTo(WEST_POOL, ctx);
      expect(await trafficSwitch.current(ctx)).toEqual([WEST_POOL]);

      expect(seen[1]).toEqual({
        method: 'PATCH',
        url: `${API}/zones/${ZONE_ID}/load_balancers/${LB_ID}`,
        authorization: `Bearer ${TOKEN}`,
        body: {
          default_pools: [WEST_POOL],
          fallback_pool: WEST_POOL,
          steering_policy: 'off',
        },
      });
      expect(lines.join('\n')).toContain(
        `load balancer api.meridian.dev now sends traffic to pool ${WEST_POOL}`,
      );
    });

    it('splits traffic between pools with random steering for a canary, and back to one pool', async () => {
      let lb: Record<string, unknown> = loadBalancer(WEST_POOL);
      const patches: unknown[] = [];
      server.use(
        http.get(`${API}/zones/${ZONE_ID}/load_balancers/${LB_ID}`, () =>
          ok(lb),
        ),
        http.patch(
          `${API}/zones/${ZONE_ID}/load_balancers/${LB_ID}`,
          async ({ request }) => {
            const patch = (await request.json()) as Record<string, unknown>;
            patches.push(patch);
            lb = { ...lb, ...patch };
            return ok(lb);
          },
        ),
      );
      const trafficSwitch = create(lbBlock);
      const { ctx } = stepContext();

      expect(await trafficSwitch.currentWeights!(ctx)).toEqual([
        { address: WEST_POOL, percent: 100 },
      ]);
      await trafficSwitch.weigh!(
        [
          { address: EAST_POOL, percent: 10 },
          { address: WEST_POOL, percent: 90 },
        ],
        ctx,
      );
      expect(patches[0]).toEqual({
        default_pools: [EAST_POOL, WEST_POOL],
        fallback_pool: WEST_POOL,
        steering_policy: 'random',
        random_steering: {
          default_weight: 0,
          pool_weights: { [EAST_POOL]: 0.1, [WEST_POOL]: 0.9 },
        },
      });
      expect(await trafficSwitch.currentWeights!(ctx)).toEqual([
        { address: EAST_POOL, percent: 10 },
        { address: WEST_POOL, percent: 90 },
      ]);
      expect(await trafficSwitch.current(ctx)).toEqual([EAST_POOL, WEST_POOL]);

      await trafficSwitch.switchTo(EAST_POOL, ctx);
      expect(await trafficSwitch.current(ctx)).toEqual([EAST_POOL]);
      expect(await trafficSwitch.currentWeights!(ctx)).toEqual([
        { address: EAST_POOL, percent: 100 },
      ]);
      await expect(
        trafficSwitch.weigh!(
          [
            { address: EAST_POOL, percent: 60 },
            { address: 'ffff', percent: 40 },
          ],
          ctx,
        ),
      ).rejects.toThrow(
        `cannot switch to pool "ffff": it is none of regions.traffic.api-cf.loadBalancer.poolIds`,
      );
      expect(patches).toHaveLength(2);
    });

    it('has no weights for a DNS record: Cloudflare records cannot split traffic', () => {
      expect(create(recordBlock).weigh).toBeUndefined();
      expect(create(lbBlock).weigh).toBeDefined();
    });

    it('refuses a pool that is not configured, without calling the API', async () => {
      const seen = recordRequests();
      await expect(
        create(lbBlock).switchTo('ffff', stepContext().ctx),
      ).rejects.toThrow(
        `cannot switch to pool "ffff": it is none of regions.traffic.api-cf.loadBalancer.poolIds (${EAST_POOL}, ${WEST_POOL})`,
      );
      expect(seen).toEqual([]);
    });
  });

  it('uses a configured API url', async () => {
    server.use(
      http.get(
        `http://cf.internal:8080/client/v4/zones/${ZONE_ID}/dns_records/${RECORD_ID}`,
        () => ok(dnsRecord('203.0.113.10')),
      ),
    );
    const { record, ...byId } = recordBlock;
    const trafficSwitch = create({
      ...byId,
      recordId: RECORD_ID,
      url: 'http://cf.internal:8080/client/v4/',
    });
    expect(await trafficSwitch.current(stepContext().ctx)).toEqual([
      '203.0.113.10',
    ]);
  });
});

describe('cloudflareTrafficSwitchFactory config validation', () => {
  const valid: JsonObject = {
    driver: 'cloudflare',
    apiToken: TOKEN,
    zoneId: ZONE_ID,
    record: 'api.meridian.dev',
    addresses: { 'region:default/us-east': '203.0.113.10' },
  };

  it.each([
    [{ apiToken: undefined }, 'regions.traffic.api-cf.apiToken is required'],
    [{ zoneId: undefined }, 'regions.traffic.api-cf.zoneId is required'],
    [
      { record: undefined },
      'regions.traffic.api-cf.record is required, or recordId, or loadBalancer: what the switch points at',
    ],
    [
      {
        loadBalancer: {
          id: LB_ID,
          poolIds: { 'region:default/us-east': EAST_POOL },
        },
      },
      'regions.traffic.api-cf.loadBalancer cannot be combined with record or recordId',
    ],
    [
      {
        record: undefined,
        addresses: undefined,
        loadBalancer: { poolIds: { 'region:default/us-east': EAST_POOL } },
      },
      'regions.traffic.api-cf.loadBalancer.id is required',
    ],
    [
      { record: undefined, addresses: undefined, loadBalancer: { id: LB_ID } },
      'regions.traffic.api-cf.loadBalancer.poolIds is required: one entry per region ref',
    ],
    [
      { addresses: { 'region:default/us-east': 'east.example' } },
      'regions.traffic.api-cf.addresses.region:default/us-east "east.example" is not an IPv4 address (the record type is A)',
    ],
    [
      { url: 'ftp://cf.internal' },
      'regions.traffic.api-cf.url "ftp://cf.internal" is not an http or https URL',
    ],
  ])('rejects %j: %s', (overrides, message) => {
    const block = { ...valid, ...overrides } as Record<string, unknown>;
    for (const key of Object.keys(block)) {
      if (block[key] === undefined) delete block[key];
    }
    const error: Error = (() => {
      try {
        create(block as JsonObject);
        return new Error('created');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error.message).toContain(message);
    expect(error.message).not.toContain(TOKEN);
  });
});
