import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { region } from '../__testUtils__/region';
import { regionsPlugin } from '../plugin';

jest.setTimeout(60_000);

const config = {
  regions: {
    pools: [{ name: 'brazil', cidr: '10.16.0.0/12', prefixLength: 16 }],
  },
};

describe('provisioning routes', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function startRegionsBackend(
      options: { mayCreateRegions?: boolean } = {},
    ) {
      const knex = await databases.init(databaseId);
      const scheduler = mockServices.scheduler.mock();
      const auditor = mockServices.auditor.mock();
      const auditEvent = { success: jest.fn(), fail: jest.fn() };
      auditor.createEvent.mockResolvedValue(auditEvent);
      const permissions = mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(() => ({
            result:
              options.mayCreateRegions === false
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          })),
      });
      const { server } = await startTestBackend({
        features: [
          regionsPlugin,
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({
            entities: [
              region('studio-primary', { network: { cidr: '10.16.0.0/16' } }),
            ],
          }),
          mockServices.rootConfig.factory({ data: config }),
          scheduler.factory,
          auditor.factory,
          permissions.factory,
        ],
      });
      // the catalog sync, run the way the scheduler would
      const sync = scheduler.scheduleTask.mock.calls[0][0];
      await sync.fn(new AbortController().signal);
      const auth = mockCredentials.service.header();
      return {
        auditor,
        auditEvent,
        get: (path: string) =>
          request(server).get(`/api/regions${path}`).set('Authorization', auth),
        post: (path: string, body: object) =>
          request(server)
            .post(`/api/regions${path}`)
            .set('Authorization', auth)
            .send(body),
      };
    }

    it('previews, allocates once per region and lists the allocations', async () => {
      const { get, post } = await startRegionsBackend();

      expect((await get('/pools')).body).toEqual({
        pools: [
          {
            name: 'brazil',
            cidr: '10.16.0.0/12',
            prefixLength: 16,
            capacity: 16,
            used: 1,
            nextFree: '10.17.0.0/16',
          },
        ],
      });

      const first = await post('/allocations', {
        pool: 'brazil',
        region: 'region:default/studio-s2',
      });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        region: 'region:default/studio-s2',
        pool: 'brazil',
        cidr: '10.17.0.0/16',
        created: true,
      });
      const again = await post('/allocations', {
        pool: 'brazil',
        region: 'region:default/studio-s2',
      });
      expect(again.status).toBe(200);
      expect(again.body.cidr).toBe('10.17.0.0/16');

      expect((await get('/allocations')).body).toEqual({
        allocations: [
          {
            region: 'region:default/studio-s2',
            pool: 'brazil',
            cidr: '10.17.0.0/16',
            allocatedAt: first.body.allocatedAt,
          },
        ],
      });
      expect((await get('/pools')).body.pools[0].nextFree).toBe('10.18.0.0/16');
    });

    it('answers 400 and 404 naming the bad field', async () => {
      const { post } = await startRegionsBackend();
      const unknownPool = await post('/allocations', {
        pool: 'mars',
        region: 'x',
      });
      expect(unknownPool.status).toBe(404);
      expect(unknownPool.body.error.message).toBe(
        'pool "mars" is not configured under regions.pools (known: brazil)',
      );
      const noRegion = await post('/allocations', { pool: 'brazil' });
      expect(noRegion.status).toBe(400);
      expect(noRegion.body.error.message).toMatch(/^region undefined must be/);
    });

    it('keeps landed regions, whose blocks then count as taken', async () => {
      const { get, post } = await startRegionsBackend();
      const landed = region('studio-s3', {
        lifecycle: 'provisioning',
        network: { cidr: '10.17.0.0/16', pool: 'brazil' },
      });

      expect((await post('/landings', { entity: landed })).status).toBe(201);
      expect((await get('/landings')).body).toEqual({ entities: [landed] });
      expect((await get('/pools')).body.pools[0].nextFree).toBe('10.18.0.0/16');

      const invalid = await post('/landings', {
        entity: region('bad', { network: { cidr: '10.17.1.0/16' } }),
      });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.message).toContain(
        'spec.network.cidr "10.17.1.0/16" is not canonical',
      );
    });

    it('lets only callers allowed regions.region.create allocate or land a region, auditing both', async () => {
      const denied = await startRegionsBackend({ mayCreateRegions: false });
      const landed = region('studio-s4', {
        lifecycle: 'provisioning',
        network: { cidr: '10.18.0.0/16', pool: 'brazil' },
      });
      for (const [path, body] of [
        [
          '/allocations',
          { pool: 'brazil', region: 'region:default/studio-s4' },
        ],
        ['/landings', { entity: landed }],
      ] as const) {
        const res = await denied.post(path, body);
        expect([res.status, res.body.error?.message]).toEqual([
          403,
          'creating regions needs the permission regions.region.create',
        ]);
      }
      expect(denied.auditEvent.fail).toHaveBeenCalledTimes(2);
      expect((await denied.get('/allocations')).body).toEqual({
        allocations: [],
      });
      expect((await denied.get('/landings')).body).toEqual({ entities: [] });

      const allowed = await startRegionsBackend();
      expect((await allowed.post('/landings', { entity: landed })).status).toBe(
        201,
      );
      expect(allowed.auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({
          eventId: 'region-land',
          meta: { region: 'studio-s4' },
        }),
      );
      expect(allowed.auditEvent.success).toHaveBeenCalled();
    });
  });
});
