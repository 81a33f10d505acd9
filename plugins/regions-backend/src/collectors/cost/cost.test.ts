import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  CostResponse,
  CostSummaryResponse,
} from '@meridian/plugin-regions-common';
import express from 'express';
import { Knex } from 'knex';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { region } from '../../__testUtils__/region';
import { CostStore } from '../../database/CostStore';
import { DatabaseRegionsStore } from '../../database/DatabaseRegionsStore';
import { ClusterDayFields, openCostHandler } from './__testUtils__/openCost';
import { CostCollector } from './CostCollector';
import { createCostRouter, readCostSettings } from './costRouter';
import { OpenCostCostSource } from './OpenCostCostSource';

jest.setTimeout(120_000);

const logger = mockServices.logger.mock();

/*
 * studio-primary, a hub with its own OpenCost: 150 a day in November
 * (CPU 100 - 10 adjustment, RAM 40, storage 10, idle 10), 120 a day before
 * (CPU 70 - 10). Its spokes, on the shared OpenCost, cost 150 a day.
 */
const primaryFields = (day: string): ClusterDayFields => ({
  cpuCost: day >= '2026-11-01' ? 100 : 70,
  cpuCostAdjustment: -10,
  ramCost: 40,
  pvCost: 10,
  cpuCoreRequestAverage: 10,
  cpuCoreUsageAverage: 5,
  ramByteRequestAverage: 100,
  ramByteUsageAverage: 80,
});

const regions = [
  region('studio-primary', {
    type: 'global-hub',
    budget: { monthly: 6000, currency: 'USD' },
  }),
  region('studio-sul', {
    hub: 'region:default/studio-primary',
    budget: { monthly: 4000 },
  }),
  region(
    'studio-ne',
    { hub: 'region:default/studio-primary', budget: { monthly: 2500 } },
    { annotations: { 'meridian.dev/opencost-clusters': 'recife-1' } },
  ),
  region('lab', { budget: { monthly: 100, currency: 'EUR' } }),
];

const opencostConfig = {
  baseUrl: 'http://opencost.test:9003',
  instances: {
    primary: {
      baseUrl: 'http://opencost.primary.test:9003',
      clusters: ['studio-primary'],
    },
  },
};

describe('region costs', () => {
  const server = setupServer();
  // supertest's requests to the local app pass through
  beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let now: Date;
    const clock = () => now;
    let primaryRequests: URLSearchParams[];
    let revisedPrimaryFields: (day: string) => ClusterDayFields;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      now = new Date('2026-11-20T12:00:00Z');
      primaryRequests = [];
      revisedPrimaryFields = primaryFields;
      server.use(
        openCostHandler(
          'http://opencost.primary.test:9003',
          {
            clusters: { 'studio-primary': d => revisedPrimaryFields(d) },
            idle: () => 10,
          },
          primaryRequests,
        ),
        openCostHandler('http://opencost.test:9003', {
          clusters: {
            'studio-sul': () => ({ cpuCost: 150 }),
            'recife-1': () => ({ ramCost: 150 }),
            lab: () => ({ pvCost: 1 }),
          },
        }),
      );
    });

    async function setUp(opencost: object = opencostConfig) {
      const database = mockServices.database({ knex });
      const regionsStore = await DatabaseRegionsStore.create({ database });
      await regionsStore.replaceSnapshot({
        regions,
        conflicts: [],
        syncedAt: now,
      });
      const store = await CostStore.create({ database });
      const config = new ConfigReader({ regions: { opencost } });
      const source = OpenCostCostSource.fromConfig(config, { logger });
      const collector = new CostCollector({
        regions: regionsStore,
        store,
        sources: source ? [source] : [],
        logger,
        clock,
      });
      const app = express()
        .use(
          await createCostRouter({
            regions: regionsStore,
            store,
            collector,
            ...readCostSettings(config),
            clock,
          }),
        )
        .use(MiddlewareFactory.create({ config, logger }).error());
      return {
        collect: () => collector.run(),
        cost: async (name: string, window?: string) =>
          request(app).get(
            `/regions/default/${name}/cost${window ? `?window=${window}` : ''}`,
          ),
      };
    }

    it("answers a hub's window, breakdown, efficiency, comparison, month against budget and spokes", async () => {
      const { collect, cost } = await setUp();
      await collect();

      const response = await cost('studio-primary');
      expect(response.status).toBe(200);
      const body: CostResponse = response.body;
      expect(body).toMatchObject({
        region: 'region:default/studio-primary',
        observed: true,
        source: 'opencost',
        clusters: ['studio-primary'],
        currency: 'USD',
        window: '30d',
        idleEstimated: false,
        failedAt: null,
      });
      expect(body.problem).toBeUndefined();
      // Oct 22 – Nov 20: 10 days at 120 and 20 at 150
      expect(body.daily).toHaveLength(30);
      expect(body.daily[0]).toMatchObject({ date: '2026-10-22', total: 120 });
      expect(body.daily[29]).toMatchObject({ date: '2026-11-20', total: 150 });
      expect(body.total).toBeCloseTo(4200, 6);
      expect(body.breakdown).toEqual({
        cpu: 10 * 60 + 20 * 90,
        gpu: 0,
        ram: 1200,
        storage: 300,
        network: 0,
        loadBalancer: 0,
        shared: 0,
        external: 0,
        idle: 300,
      });
      expect(
        Object.values(body.breakdown).reduce((sum, v) => sum + v, 0),
      ).toBeCloseTo(body.total, 6);
      expect(body.efficiency.cpu).toBeCloseTo(0.5, 6);
      expect(body.efficiency.ram).toBeCloseTo(0.8, 6);
      // (0.5 × 2400 + 0.8 × 1200) / 3600
      expect(body.efficiency.total).toBeCloseTo(2160 / 3600, 6);
      // Sep 22 – Oct 21 at 120
      expect(body.previous.days).toBe(30);
      expect(body.previous.total).toBeCloseTo(3600, 6);
      expect(body.previous.change).toBeCloseTo(600 / 3600, 6);
      // 20 days of November at 150, read after 19.5 of its 30 days
      expect(body.month.monthToDate).toBeCloseTo(3000, 6);
      expect(body.month.forecast).toBeCloseTo((3000 * 30) / 19.5, 6);
      expect(body.month.budget).toEqual({ monthly: 6000, currency: 'USD' });
      expect(body.month.status).toBe('ok');
      expect(body.month.collectedAt).toBe('2026-11-20T12:00:00.000Z');

      expect(body.spokes.map(s => [s.region, s.status])).toEqual([
        ['region:default/studio-ne', 'over'],
        ['region:default/studio-sul', 'at-risk'],
      ]);
      expect(body.spokes[1].monthToDate).toBeCloseTo(3000, 6);

      const week: CostResponse = (await cost('studio-primary', '7d')).body;
      expect(week.daily.map(d => d.date)).toEqual([
        '2026-11-14',
        '2026-11-15',
        '2026-11-16',
        '2026-11-17',
        '2026-11-18',
        '2026-11-19',
        '2026-11-20',
      ]);
      expect(week.total).toBeCloseTo(1050, 6);
      expect(week.previous.change).toBeCloseTo(0, 6);
    });

    it('backfills once, then reads again only the latest days, which OpenCost revises', async () => {
      const { collect, cost } = await setUp();
      await collect();
      // 180 days in spans of at most 30
      expect(primaryRequests.map(r => r.get('window'))).toEqual([
        '2026-05-25T00:00:00Z,2026-06-24T00:00:00Z',
        '2026-06-24T00:00:00Z,2026-07-24T00:00:00Z',
        '2026-07-24T00:00:00Z,2026-08-23T00:00:00Z',
        '2026-08-23T00:00:00Z,2026-09-22T00:00:00Z',
        '2026-09-22T00:00:00Z,2026-10-22T00:00:00Z',
        '2026-10-22T00:00:00Z,2026-11-21T00:00:00Z',
      ]);

      revisedPrimaryFields = day =>
        day === '2026-11-19'
          ? { ...primaryFields(day), cpuCostAdjustment: 20 }
          : primaryFields(day);
      now = new Date('2026-11-20T13:00:00Z');
      primaryRequests.length = 0;
      await collect();

      expect(primaryRequests.map(r => r.get('window'))).toEqual([
        '2026-11-18T00:00:00Z,2026-11-21T00:00:00Z',
      ]);
      const week: CostResponse = (await cost('studio-primary', '7d')).body;
      expect(week.daily.find(d => d.date === '2026-11-19')!.total).toBe(180);
      expect(week.total).toBeCloseTo(1080, 6);
    });

    it('keeps the last data with its age when OpenCost fails, and says why', async () => {
      const { collect, cost } = await setUp();
      await collect();

      server.use(
        http.get('http://opencost.primary.test:9003/allocation', () =>
          HttpResponse.json(
            {
              code: 500,
              status: '',
              message: 'Error: error computing allocations: prometheus down',
            },
            { status: 500 },
          ),
        ),
      );
      now = new Date('2026-11-21T09:00:00Z');
      await collect();

      const body: CostResponse = (await cost('studio-primary', '7d')).body;
      expect(body.problem).toBe(
        "the last read of costs failed: OpenCost 'primary' at http://opencost.primary.test:9003: HTTP 500: Error: error computing allocations: prometheus down",
      );
      expect(body.failedAt).toBe('2026-11-21T09:00:00.000Z');
      expect(body.month.collectedAt).toBe('2026-11-20T12:00:00.000Z');
      // Nov 15 – 20 are still there; Nov 21 was never read
      expect(body.daily.map(d => d.date)).toEqual([
        '2026-11-15',
        '2026-11-16',
        '2026-11-17',
        '2026-11-18',
        '2026-11-19',
        '2026-11-20',
      ]);
      // the spokes on the other OpenCost were read
      const sul: CostResponse = (await cost('studio-sul', '7d')).body;
      expect(sul.problem).toBeUndefined();
      expect(sul.month.collectedAt).toBe('2026-11-21T09:00:00.000Z');
    });

    it('says OpenCost is not configured, still showing the data read before', async () => {
      await (await setUp()).collect();
      const { collect, cost } = await setUp({});
      await collect();

      const body: CostResponse = (await cost('studio-primary', '7d')).body;
      expect(body.observed).toBe(false);
      expect(body.problem).toBe(
        'OpenCost is not configured: set regions.opencost.baseUrl or regions.opencost.instances in the app config',
      );
      expect(body.total).toBeCloseTo(1050, 6);
      expect(body.month.collectedAt).toBe('2026-11-20T12:00:00.000Z');
    });

    it('labels the answer demo data only when regions.opencost.demo says so', async () => {
      const real = await setUp();
      await real.collect();
      expect((await real.cost('studio-primary')).body.demo).toBe(false);

      const demo = await setUp({ ...opencostConfig, demo: true });
      await demo.collect();
      const body: CostResponse = (await demo.cost('studio-primary')).body;
      expect(body.demo).toBe(true);
      expect(body.month.monthToDate).toBeCloseTo(3000, 6);
    });

    it("cannot judge a budget in another currency than OpenCost's", async () => {
      const { collect, cost } = await setUp();
      await collect();

      const body: CostResponse = (await cost('lab')).body;
      expect(body.month.status).toBe('unknown');
      expect(body.month.budget).toEqual({ monthly: 100, currency: 'EUR' });
      expect(body.problem).toBe(
        'the budget is in EUR but costs are in USD; OpenCost does not convert currencies',
      );
    });

    it('answers every region for the Regions page, with the total', async () => {
      const { collect } = await setUp();
      await collect();
      const database = mockServices.database({ knex });
      const app = express().use(
        await createCostRouter({
          regions: await DatabaseRegionsStore.create({ database }),
          store: await CostStore.create({ database }),
          collector: new CostCollector({
            regions: await DatabaseRegionsStore.create({ database }),
            store: await CostStore.create({ database }),
            sources: [],
            logger,
          }),
          currency: 'USD',
          demo: true,
          clock,
        }),
      );

      const body: CostSummaryResponse = (await request(app).get('/costs')).body;
      expect(body.currency).toBe('USD');
      expect(body.demo).toBe(true);
      expect(
        Object.fromEntries(body.regions.map(r => [r.region, r.status])),
      ).toEqual({
        'region:default/studio-primary': 'ok',
        'region:default/studio-sul': 'at-risk',
        'region:default/studio-ne': 'over',
        'region:default/lab': 'unknown',
      });
      expect(body.total.monthToDate).toBeCloseTo(3 * 3000 + 20, 6);
    });

    it('rejects a bad window naming it, and an unknown region', async () => {
      const { cost } = await setUp();

      const bad = await cost('studio-primary', '1y');
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toBe(
        'window "1y" is not one of 7d, 30d, 90d',
      );
      expect((await cost('nowhere')).status).toBe(404);
    });
  });
});
