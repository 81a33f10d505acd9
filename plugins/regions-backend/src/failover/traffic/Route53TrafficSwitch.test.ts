import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { ConfigReader, JsonObject } from '@backstage/config';
import { FailoverStepContext } from '@meridian/plugin-regions-node';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { route53TrafficSwitchFactory } from './Route53TrafficSwitch';

const ROUTE53 = 'https://route53.amazonaws.com/2013-04-01';
const ZONE_ID = 'Z1D633PJN98FT9';
const CHANGE_ID = 'C2682N5HXP0BZ4';
const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';

const xml = (body: string, status = 200) =>
  new HttpResponse(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`, {
    status,
    headers: {
      'content-type': 'text/xml',
      'x-amzn-requestid': 'b25f48e8-84fd-11e6-80d9-574e0c4664cb',
    },
  });

const changeInfo = (status: 'PENDING' | 'INSYNC') =>
  `<ChangeInfo><Id>/change/${CHANGE_ID}</Id><Status>${status}</Status><SubmittedAt>2026-11-23T00:10:00.000Z</SubmittedAt><Comment>Meridian failover: traffic switch api-r53</Comment></ChangeInfo>`;

/** Route 53's error body, as it answers every failed call. */
const errorResponse = (status: number, code: string, message: string) =>
  xml(
    `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>b25f48e8-84fd-11e6-80d9-574e0c4664cb</RequestId></ErrorResponse>`,
    status,
  );

function recordSets(name: string, type: string, values: string[]) {
  return xml(
    `<ListResourceRecordSetsResponse xmlns="${NS}"><ResourceRecordSets><ResourceRecordSet><Name>${name}</Name><Type>${type}</Type><TTL>30</TTL><ResourceRecords>${values
      .map(value => `<ResourceRecord><Value>${value}</Value></ResourceRecord>`)
      .join(
        '',
      )}</ResourceRecords></ResourceRecordSet></ResourceRecordSets><IsTruncated>true</IsTruncated><NextRecordName>www.meridian.dev.</NextRecordName><NextRecordType>A</NextRecordType><MaxItems>1</MaxItems></ListResourceRecordSetsResponse>`,
  );
}

function stepContext() {
  const lines: string[] = [];
  const ctx: FailoverStepContext = {
    signal: new AbortController().signal,
    log: message => lines.push(message),
    ensureLease: async () => {},
  };
  return { ctx, lines };
}

const valid: JsonObject = {
  driver: 'route53',
  hostedZoneId: ZONE_ID,
  record: 'api.meridian.dev',
  credentials: {
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
  },
  addresses: {
    'region:default/us-east': '203.0.113.10',
    'region:default/us-west': '198.51.100.20',
  },
};

const create = (block: JsonObject = valid) =>
  route53TrafficSwitchFactory.create('api-r53', new ConfigReader(block));

describe('Route53TrafficSwitch against Route 53 answers', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  afterEach(() => server.events.removeAllListeners());

  function recordRequests() {
    const seen: {
      method: string;
      url: string;
      authorization: string;
      body: string;
    }[] = [];
    server.events.on('request:start', async ({ request }) => {
      const entry = {
        method: request.method,
        url: request.url,
        authorization: request.headers.get('authorization') ?? '',
        body: '',
      };
      seen.push(entry);
      entry.body = await request.clone().text();
    });
    return seen;
  }

  it('UPSERTs the record, waits for the change to be INSYNC, and reads the record back', async () => {
    let values = ['203.0.113.10'];
    let polls = 0;
    server.use(
      http.post(
        `${ROUTE53}/hostedzone/${ZONE_ID}/rrset`,
        async ({ request }) => {
          const body = await request.text();
          values = [/<Value>([^<]+)<\/Value>/.exec(body)![1]];
          return xml(
            `<ChangeResourceRecordSetsResponse xmlns="${NS}">${changeInfo(
              'PENDING',
            )}</ChangeResourceRecordSetsResponse>`,
          );
        },
      ),
      http.get(`${ROUTE53}/change/${CHANGE_ID}`, () => {
        polls += 1;
        return xml(
          `<GetChangeResponse xmlns="${NS}">${changeInfo(
            polls < 2 ? 'PENDING' : 'INSYNC',
          )}</GetChangeResponse>`,
        );
      }),
      http.get(`${ROUTE53}/hostedzone/${ZONE_ID}/rrset`, () =>
        recordSets('api.meridian.dev.', 'A', values),
      ),
    );
    const seen = recordRequests();
    const trafficSwitch = create();
    const { ctx, lines } = stepContext();

    expect(trafficSwitch.driver).toBe('route53');
    expect(trafficSwitch.addressOf('region:default/us-west')).toBe(
      '198.51.100.20',
    );
    expect(await trafficSwitch.current(ctx)).toEqual(['203.0.113.10']);
    await trafficSwitch.switchTo('198.51.100.20', ctx);
    expect(polls).toBe(2);
    expect(await trafficSwitch.current(ctx)).toEqual(['198.51.100.20']);

    expect(seen.map(r => `${r.method} ${r.url}`)).toEqual([
      `GET ${ROUTE53}/hostedzone/${ZONE_ID}/rrset?maxitems=100&name=api.meridian.dev.&type=A`,
      `GET ${ROUTE53}/hostedzone/${ZONE_ID}/rrset?maxitems=100&name=api.meridian.dev.&type=A`,
      `POST ${ROUTE53}/hostedzone/${ZONE_ID}/rrset`,
      `GET ${ROUTE53}/change/${CHANGE_ID}`,
      `GET ${ROUTE53}/change/${CHANGE_ID}`,
      `GET ${ROUTE53}/hostedzone/${ZONE_ID}/rrset?maxitems=100&name=api.meridian.dev.&type=A`,
    ]);
    expect(seen[2].body.replace(/\s+/g, '')).toBe(
      `<?xmlversion="1.0"encoding="UTF-8"?><ChangeResourceRecordSetsRequestxmlns="${NS}"><ChangeBatch><Changes><Change><Action>UPSERT</Action><ResourceRecordSet><Name>api.meridian.dev.</Name><Type>A</Type><TTL>30</TTL><ResourceRecords><ResourceRecord><Value>198.51.100.20</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes><Comment>Meridianfailover:trafficswitchapi-r53</Comment></ChangeBatch></ChangeResourceRecordSetsRequest>`,
    );
    // Signed with the configured key for Route 53 in us-east-1; the secret never travels.
    for (const request of seen) {
      expect(request.authorization).toMatch(
        new RegExp(
          `^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/\\d{8}/us-east-1/route53/aws4_request`,
        ),
      );
      expect(JSON.stringify(request)).not.toContain(SECRET_ACCESS_KEY);
    }
    expect(lines.join('\n')).toMatch(
      new RegExp(`change /change/${CHANGE_ID} is INSYNC after \\d+ ms`),
    );
  });

  it('reads no address when the list starts at another record, and reads CNAME targets without the dot', async () => {
    server.use(
      http.get(`${ROUTE53}/hostedzone/${ZONE_ID}/rrset`, ({ request }) =>
        new URL(request.url).searchParams.get('type') === 'CNAME'
          ? recordSets('www.meridian.dev.', 'CNAME', ['west.lb.example.'])
          : recordSets('www.meridian.dev.', 'A', ['203.0.113.99']),
      ),
    );
    const { ctx } = stepContext();
    expect(await create().current(ctx)).toEqual([]);
    const cname = create({
      ...valid,
      record: 'www.meridian.dev.',
      type: 'CNAME',
      addresses: { 'region:default/us-west': 'west.lb.example' },
    });
    expect(await cname.current(ctx)).toEqual(['west.lb.example']);
  });

  it('turns Route 53 errors into messages naming the switch and the code, never the secret', async () => {
    server.use(
      http.get(`${ROUTE53}/hostedzone/${ZONE_ID}/rrset`, () =>
        recordSets('api.meridian.dev.', 'A', ['203.0.113.10']),
      ),
      http.post(`${ROUTE53}/hostedzone/${ZONE_ID}/rrset`, () =>
        errorResponse(
          400,
          'InvalidChangeBatch',
          '[RRSet with DNS name api.meridian.dev. is not permitted in zone other.dev.]',
        ),
      ),
    );
    const { ctx } = stepContext();

    const rejected: Error = await create()
      .switchTo('198.51.100.20', ctx)
      .catch(e => e);
    expect(rejected.message).toBe(
      `traffic switch api-r53 (route53 hosted zone ${ZONE_ID}): ChangeResourceRecordSets failed: InvalidChangeBatch (HTTP 400): [RRSet with DNS name api.meridian.dev. is not permitted in zone other.dev.]`,
    );
    server.use(
      http.get(`${ROUTE53}/hostedzone/${ZONE_ID}/rrset`, () =>
        errorResponse(
          403,
          'AccessDenied',
          `User: arn:aws:iam::123456789012:user/meridian is not authorized to perform: route53:ListResourceRecordSets on resource: arn:aws:route53:::hostedzone/${ZONE_ID} because no identity-based policy allows the route53:ListResourceRecordSets action`,
        ),
      ),
    );
    const denied: Error = await create()
      .current(ctx)
      .catch(e => e);
    expect(denied.message).toContain(
      `traffic switch api-r53 (route53 hosted zone ${ZONE_ID}): ListResourceRecordSets failed: AccessDenied (HTTP 403): User: arn:aws:iam::123456789012:user/meridian is not authorized`,
    );
    for (const error of [rejected, denied]) {
      expect(error.message).not.toContain(SECRET_ACCESS_KEY);
    }
  });

  it('reports an unknown hosted zone', async () => {
    server.use(
      http.get(`${ROUTE53}/hostedzone/${ZONE_ID}/rrset`, () =>
        errorResponse(
          404,
          'NoSuchHostedZone',
          `No hosted zone found with ID: ${ZONE_ID}`,
        ),
      ),
    );
    await expect(
      create().switchTo('198.51.100.20', stepContext().ctx),
    ).rejects.toThrow(
      `ListResourceRecordSets failed: NoSuchHostedZone (HTTP 404): No hosted zone found with ID: ${ZONE_ID}`,
    );
  });

  it('gives up waiting after propagationTimeoutSeconds, saying the change was accepted', async () => {
    server.use(
      http.get(`${ROUTE53}/hostedzone/${ZONE_ID}/rrset`, () =>
        recordSets('api.meridian.dev.', 'A', ['203.0.113.10']),
      ),
      http.post(`${ROUTE53}/hostedzone/${ZONE_ID}/rrset`, () =>
        xml(
          `<ChangeResourceRecordSetsResponse xmlns="${NS}">${changeInfo(
            'PENDING',
          )}</ChangeResourceRecordSetsResponse>`,
        ),
      ),
      http.get(`${ROUTE53}/change/${CHANGE_ID}`, () =>
        xml(
          `<GetChangeResponse xmlns="${NS}">${changeInfo(
            'PENDING',
          )}</GetChangeResponse>`,
        ),
      ),
    );
    await expect(
      create({ ...valid, propagationTimeoutSeconds: 2 }).switchTo(
        '198.51.100.20',
        stepContext().ctx,
      ),
    ).rejects.toThrow(
      `traffic switch api-r53 (route53 hosted zone ${ZONE_ID}): change /change/${CHANGE_ID} was not INSYNC after 2 s; Route 53 accepted it and will still apply it`,
    );
  });

  it('sends to a configured endpoint and region', async () => {
    const seen = recordRequests();
    server.use(
      http.get(
        `http://route53.internal:4566/2013-04-01/hostedzone/${ZONE_ID}/rrset`,
        () => recordSets('api.meridian.dev.', 'A', ['203.0.113.10']),
      ),
    );
    const trafficSwitch = create({
      ...valid,
      endpoint: 'http://route53.internal:4566',
      region: 'eu-west-1',
    });
    expect(await trafficSwitch.current(stepContext().ctx)).toEqual([
      '203.0.113.10',
    ]);
    expect(seen[0].authorization).toContain('/eu-west-1/route53/aws4_request');
  });
});

describe('route53TrafficSwitchFactory config validation', () => {
  it.each([
    [
      { hostedZoneId: undefined },
      'regions.traffic.api-r53.hostedZoneId is required',
    ],
    [
      { hostedZoneId: 'my zone' },
      'regions.traffic.api-r53.hostedZoneId "my zone" is not a hosted zone id like Z1D633PJN98FT9',
    ],
    [{ record: undefined }, 'regions.traffic.api-r53.record is required'],
    [
      { type: 'TXT' },
      'regions.traffic.api-r53.type "TXT" is not one of A, AAAA, CNAME',
    ],
    [
      { credentials: { accessKeyId: ACCESS_KEY_ID } },
      'regions.traffic.api-r53.credentials.secretAccessKey is required',
    ],
    [
      { propagationTimeoutSeconds: 1 },
      'regions.traffic.api-r53.propagationTimeoutSeconds must be at least 2, not 1',
    ],
    [
      { endpoint: 'route53.internal' },
      'regions.traffic.api-r53.endpoint "route53.internal" is not a URL',
    ],
    [
      { addresses: { 'region:default/us-west': '2001:db8::1' } },
      'regions.traffic.api-r53.addresses.region:default/us-west "2001:db8::1" is not an IPv4 address (the record type is A)',
    ],
  ])('rejects %j: %s', (overrides, message) => {
    const block = { ...valid, ...overrides } as Record<string, unknown>;
    for (const key of Object.keys(block)) {
      if (block[key] === undefined) delete block[key];
    }
    expect(() => create(block as JsonObject)).toThrow(message);
  });

  it('accepts a hosted zone id with its /hostedzone/ prefix, as the console shows it', () => {
    expect(() =>
      create({ ...valid, hostedZoneId: `/hostedzone/${ZONE_ID}` }),
    ).not.toThrow();
  });
});
