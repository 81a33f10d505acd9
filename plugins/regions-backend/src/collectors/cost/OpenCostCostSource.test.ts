import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { COST_BUCKETS } from '@meridian/plugin-regions-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { region } from '../../__testUtils__/region';
import { openCostHandler } from './__testUtils__/openCost';
import { OpenCostCostSource } from './OpenCostCostSource';

const logger = mockServices.logger.mock();
const from = new Date('2026-06-01T00:00:00Z');
const to = new Date('2026-06-04T00:00:00Z');
const signal = new AbortController().signal;

function sourceOf(opencost: object) {
  const source = OpenCostCostSource.fromConfig(
    new ConfigReader({ regions: { opencost } }),
    { logger },
  );
  if (!source) {
    throw new Error('not configured');
  }
  return source;
}

const euWest = region(
  'eu-west',
  {},
  { annotations: { 'meridian.dev/opencost-clusters': 'prod-eu-1, prod-eu-2' } },
);

/** prod-eu-1: 40 + 5 adjustment CPU, 20 - 2 RAM, 10 storage, 3 network, 2 LB, 1 shared, 4 external = 83 a day. */
const prodEu1 = () => ({
  cpuCost: 40,
  cpuCostAdjustment: 5,
  ramCost: 20,
  ramCostAdjustment: -2,
  pvCost: 10,
  networkCost: 3,
  loadBalancerCost: 2,
  sharedCost: 1,
  externalCost: 4,
  cpuCoreRequestAverage: 10,
  cpuCoreUsageAverage: 4,
  ramByteRequestAverage: 2e10,
  ramByteUsageAverage: 1.5e10,
});

describe('OpenCostCostSource', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('reads each day of a cluster, folds adjustments into their buckets and sums to the total', async () => {
    const requests: URLSearchParams[] = [];
    server.use(
      openCostHandler(
        'http://opencost.test:9003',
        { clusters: { 'eu-west': prodEu1 }, idle: () => 17 },
        requests,
      ),
    );
    const source = sourceOf({ baseUrl: 'http://opencost.test:9003' });

    const observation = await source.read(region('eu-west'), {
      from,
      to,
      signal,
    });

    expect(requests.map(r => Object.fromEntries(r))).toEqual([
      {
        window: '2026-06-01T00:00:00Z,2026-06-04T00:00:00Z',
        aggregate: 'cluster',
        step: '1d',
        includeIdle: 'true',
      },
    ]);
    expect(observation.clusters).toEqual(['eu-west']);
    expect(observation.idleEstimated).toBe(false);
    expect(observation.days.map(d => d.date)).toEqual([
      '2026-06-01',
      '2026-06-02',
      '2026-06-03',
    ]);
    const [first] = observation.days;
    expect(first.breakdown).toEqual({
      cpu: 45,
      gpu: 0,
      ram: 18,
      storage: 10,
      network: 3,
      loadBalancer: 2,
      shared: 1,
      external: 4,
      // the instance serves this cluster only: all of its idle is the region's
      idle: 17,
    });
    expect(first.total).toBeCloseTo(83 + 17, 6);
    expect(
      COST_BUCKETS.reduce((sum, bucket) => sum + first.breakdown[bucket], 0),
    ).toBeCloseTo(first.total, 6);
    // 10 cores requested and 4 used over a whole day
    expect(first.cpuCoreRequestMinutes).toBe(10 * 1440);
    expect(first.cpuCoreUsageMinutes).toBe(4 * 1440);
    expect(first.ramByteUsageMinutes / first.ramByteRequestMinutes).toBe(0.75);
  });

  it('sums several clusters of a region and shares an idle cost merged with other regions as an estimate', async () => {
    const requests: URLSearchParams[] = [];
    server.use(
      openCostHandler(
        'http://opencost.test:9003',
        {
          clusters: {
            'prod-eu-1': () => ({ cpuCost: 30, ramCost: 10 }),
            'prod-eu-2': () => ({ cpuCost: 10, ramCost: 10, pvCost: 5 }),
            // another region's cluster behind the same OpenCost
            'prod-us-1': () => ({ cpuCost: 20, ramCost: 20 }),
          },
          idle: () => 100,
        },
        requests,
      ),
    );
    const source = sourceOf({ baseUrl: 'http://opencost.test:9003' });

    const eu = await source.read(euWest, { from, to, signal });
    const us = await source.read(
      region(
        'us-east',
        {},
        {
          annotations: { 'meridian.dev/opencost-clusters': 'prod-us-1' },
        },
      ),
      { from, to, signal },
    );

    // both regions were answered from one query
    expect(requests).toHaveLength(1);
    expect(eu.idleEstimated).toBe(true);
    expect(eu.clusters).toEqual(['prod-eu-1', 'prod-eu-2']);
    const day1 = eu.days.filter(d => d.date === '2026-06-01');
    expect(day1.map(d => d.cluster)).toEqual(['prod-eu-1', 'prod-eu-2']);
    // idle 100 shared by CPU+RAM cost 40 : 20 : 40
    expect(day1[0].breakdown.idle).toBeCloseTo(40, 6);
    expect(day1[1].breakdown.idle).toBeCloseTo(20, 6);
    expect(day1[0].total).toBeCloseTo(80, 6);
    expect(day1[1].total).toBeCloseTo(45, 6);
    const usDay1 = us.days.find(d => d.date === '2026-06-01')!;
    expect(usDay1.breakdown.idle).toBeCloseTo(40, 6);
    // no idle cost is lost or counted twice
    const idleOfDay1 = [...day1, usDay1].reduce(
      (sum, d) => sum + d.breakdown.idle,
      0,
    );
    expect(idleOfDay1).toBeCloseTo(100, 6);
  });

  it('asks each instance for the clusters it serves', async () => {
    const euRequests: URLSearchParams[] = [];
    const usRequests: URLSearchParams[] = [];
    const defaultRequests: URLSearchParams[] = [];
    server.use(
      openCostHandler(
        'http://opencost.eu.test:9003',
        { clusters: { 'prod-eu-1': () => ({ cpuCost: 11 }) }, idle: () => 1 },
        euRequests,
      ),
      openCostHandler(
        'http://opencost-ui.us.test:9090/model',
        { clusters: { 'prod-us-1': () => ({ ramCost: 7 }) } },
        usRequests,
      ),
      openCostHandler(
        'http://opencost.test:9003',
        { clusters: { edge: () => ({ pvCost: 3 }) } },
        defaultRequests,
      ),
    );
    const source = sourceOf({
      baseUrl: 'http://opencost.test:9003',
      instances: {
        eu: {
          baseUrl: 'http://opencost.eu.test:9003',
          clusters: ['prod-eu-1'],
        },
        us: {
          baseUrl: 'http://opencost-ui.us.test:9090/model/',
          clusters: ['prod-us-1'],
        },
      },
    });

    const observation = await source.read(
      region(
        'global',
        {},
        {
          annotations: {
            'meridian.dev/opencost-clusters': 'prod-eu-1,prod-us-1,edge',
          },
        },
      ),
      { from, to, signal },
    );

    expect(euRequests).toHaveLength(1);
    expect(usRequests).toHaveLength(1);
    expect(defaultRequests).toHaveLength(1);
    const day1 = observation.days.filter(d => d.date === '2026-06-01');
    expect(Object.fromEntries(day1.map(d => [d.cluster, d.total]))).toEqual({
      'prod-eu-1': 12,
      'prod-us-1': 7,
      edge: 3,
    });
    expect(observation.idleEstimated).toBe(false);
  });

  it('names the instance and quotes the plain-text 400 of a bad window', async () => {
    server.use(
      http.get(
        'http://opencost.test:9003/allocation',
        () =>
          new HttpResponse(
            "Invalid 'window' parameter: invalid window: 2026-06-01",
            { status: 400, headers: { 'content-type': 'text/plain' } },
          ),
      ),
    );
    const source = sourceOf({ baseUrl: 'http://opencost.test:9003' });

    await expect(
      source.read(region('eu-west'), { from, to, signal }),
    ).rejects.toThrow(
      "OpenCost 'default' at http://opencost.test:9003: HTTP 400: Invalid 'window' parameter: invalid window: 2026-06-01",
    );
  });

  it("reports a 5xx with OpenCost's message, and reads again after it", async () => {
    server.use(
      http.get(
        'http://opencost.test:9003/allocation',
        () =>
          HttpResponse.json(
            {
              code: 500,
              status: '',
              message:
                'Error: error computing allocations for [2026-06-01, 2026-06-04): prometheus: connection refused',
            },
            { status: 500 },
          ),
        { once: true },
      ),
      openCostHandler('http://opencost.test:9003', {
        clusters: { 'eu-west': () => ({ cpuCost: 1 }) },
      }),
    );
    const source = sourceOf({ baseUrl: 'http://opencost.test:9003' });

    await expect(
      source.read(region('eu-west'), { from, to, signal }),
    ).rejects.toThrow(
      /HTTP 500: Error: error computing allocations .*prometheus: connection refused$/,
    );
    // a failed answer is not reused
    const observation = await source.read(region('eu-west'), {
      from,
      to,
      signal,
    });
    expect(observation.days).toHaveLength(3);
  });

  it('refuses a null cost, which is how OpenCost writes NaN', async () => {
    server.use(
      http.get('http://opencost.test:9003/allocation', () =>
        HttpResponse.json({
          code: 200,
          status: 'success',
          data: [
            {
              'eu-west': {
                name: 'eu-west',
                properties: { cluster: 'eu-west' },
                window: { start: 'null', end: 'null' },
                cpuCost: null,
                ramCost: 2,
                totalCost: null,
              },
            },
          ],
        }),
      ),
    );
    const source = sourceOf({ baseUrl: 'http://opencost.test:9003' });

    await expect(
      source.read(region('eu-west'), { from, to, signal }),
    ).rejects.toThrow(
      "OpenCost 'default' at http://opencost.test:9003 answered null for cpuCost of 'eu-west' (OpenCost writes NaN as null); its costs cannot be summed",
    );
  });

  it('dates sets with open ("null") windows by their position', async () => {
    server.use(
      http.get('http://opencost.test:9003/allocation', () =>
        HttpResponse.json({
          code: 200,
          status: 'success',
          data: [
            {},
            {
              'eu-west': {
                name: 'eu-west',
                properties: {},
                window: { start: 'null', end: 'null' },
                pvCost: 2,
                totalCost: 2,
                cpuCoreUsageAverage: null,
              },
            },
          ],
        }),
      ),
    );
    const source = sourceOf({ baseUrl: 'http://opencost.test:9003' });

    const observation = await source.read(region('eu-west'), {
      from,
      to,
      signal,
    });
    expect(observation.days).toEqual([
      expect.objectContaining({
        date: '2026-06-02',
        cluster: 'eu-west',
        total: 2,
        cpuCoreUsageMinutes: 0,
        cpuCoreRequestMinutes: 0,
      }),
    ]);
  });

  it.each([
    [
      'an answer that is not JSON',
      () => new HttpResponse('<html>bad gateway</html>'),
      'answered something that is not JSON: <html>bad gateway</html>',
    ],
    [
      'an error envelope with HTTP 200',
      () =>
        HttpResponse.json({
          code: 400,
          status: '',
          message: 'Error: bad request',
        }),
      'answered code 400: Error: bad request',
    ],
    [
      'no sets',
      () => HttpResponse.json({ code: 200, status: 'success', data: null }),
      'answered no allocation sets (data is null)',
    ],
    [
      'a broken connection',
      () => HttpResponse.error(),
      "OpenCost 'default' at http://opencost.test:9003: ",
    ],
  ])('reports %s', async (_name, answer, message) => {
    server.use(http.get('http://opencost.test:9003/allocation', answer));
    const source = sourceOf({ baseUrl: 'http://opencost.test:9003' });

    await expect(
      source.read(region('eu-west'), { from, to, signal }),
    ).rejects.toThrow(message);
  });

  it('names the cluster OpenCost does not know, and the ones it does', async () => {
    server.use(
      openCostHandler('http://opencost.test:9003', {
        clusters: { 'prod-eu-1': () => ({ cpuCost: 1 }) },
      }),
    );
    const source = sourceOf({ baseUrl: 'http://opencost.test:9003' });

    await expect(source.read(euWest, { from, to, signal })).rejects.toThrow(
      "OpenCost 'default' at http://opencost.test:9003 has no cost for cluster 'prod-eu-2' from 2026-06-01 to 2026-06-03 (it knows 'prod-eu-1'); set the region's meridian.dev/opencost-clusters annotation to its cluster names",
    );
  });

  it('names a cluster no instance serves', async () => {
    const source = sourceOf({
      instances: {
        eu: {
          baseUrl: 'http://opencost.eu.test:9003',
          clusters: ['prod-eu-1'],
        },
      },
    });

    await expect(source.read(euWest, { from, to, signal })).rejects.toThrow(
      "cluster 'prod-eu-2' of region eu-west is listed under no regions.opencost.instances.*.clusters (instances: eu)",
    );
  });

  it('sends credentials of the URL as basic auth and never shows them', async () => {
    let authorization: string | null = null;
    server.use(
      http.get('http://opencost.test:9003/allocation', ({ request }) => {
        authorization = request.headers.get('authorization');
        return new HttpResponse('upstream timed out', { status: 504 });
      }),
    );
    const source = sourceOf({
      baseUrl: 'http://meridian:s3cret@opencost.test:9003',
    });

    const failure = source.read(region('eu-west'), { from, to, signal });

    await expect(failure).rejects.toThrow(
      "OpenCost 'default' at http://opencost.test:9003: HTTP 504: upstream timed out",
    );
    await expect(failure).rejects.not.toThrow(/s3cret/);
    expect(authorization).toBe(
      `Basic ${Buffer.from('meridian:s3cret').toString('base64')}`,
    );
  });

  it('rejects bad configuration naming the key and value', () => {
    expect(() => sourceOf({ baseUrl: 'opencost:9003' })).toThrow(
      'regions.opencost.baseUrl: "opencost:" is not http: or https:',
    );
    expect(() =>
      sourceOf({ instances: { eu: { baseUrl: 'not a url' } } }),
    ).toThrow('regions.opencost.instances.eu.baseUrl "not a url" is not a URL');
    expect(() =>
      sourceOf({
        baseUrl: 'http://opencost.test:9003',
        instances: { eu: { baseUrl: 'http://opencost.eu.test:9003' } },
      }),
    ).toThrow(
      "regions.opencost: the instances 'default' and 'eu' both list no clusters",
    );
    expect(
      OpenCostCostSource.fromConfig(new ConfigReader({}), { logger }),
    ).toBeUndefined();
  });
});
