import {
  BackendFeature,
  createBackendModule,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  regionsConflictRulesExtensionPoint,
  regionsFencersExtensionPoint,
} from '@meridian/plugin-regions-node';
import { Knex } from 'knex';
import request from 'supertest';
import { region } from './__testUtils__/region';
import { startRegionsTestBackend } from './__testUtils__/regionsBackend';
import { CATALOG_SYNC_TASK_ID } from './catalog/syncRegionsFromCatalog';

jest.setTimeout(60_000);

const studioPrimary = region(
  'studio-primary',
  {
    type: 'global-hub',
    provider: 'colo',
    location: { city: 'São Paulo', country: 'BR' },
    network: { cidr: '10.16.0.0/16', pool: 'brazil' },
    replication: { role: 'primary', mode: 'streaming' },
  },
  { title: 'Studio Primary (São Paulo)' },
);
const studioSul = region(
  'studio-sul',
  {
    type: 'regional-hub',
    hub: 'region:default/studio-primary',
    network: { cidr: '10.17.0.0/16' },
    links: [
      {
        to: 'region:default/studio-primary',
        latencyTargetMs: 35,
        transport: 'wireguard',
      },
    ],
    replication: {
      role: 'warm-standby',
      source: 'region:default/studio-primary',
    },
  },
  { title: 'Studio-Sul (Porto Alegre)' },
);
// overlaps studio-sul, and replicates from a standby
const studioNe = region('studio-ne', {
  hub: 'studio-sul',
  network: { cidr: '10.17.128.0/20' },
  replication: { role: 'cold-standby', source: 'studio-sul' },
});
const studioNorte = region('studio-norte', {
  hub: 'region:default/studio-gone',
});
// not canonical, so the sync leaves it out
const invalidRegion = region('studio-broken', {
  network: { cidr: '10.16.1.0/16' },
});
const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'studio-sul' },
  spec: { type: 'service', lifecycle: 'production', owner: 'sre' },
};
const catalogEntities = [
  studioPrimary,
  studioSul,
  studioNe,
  studioNorte,
  invalidRegion,
  component,
];

const overlapConflict = {
  type: 'cidr-overlap',
  regions: ['region:default/studio-ne', 'region:default/studio-sul'],
  field: 'spec.network.cidr',
  message:
    'spec.network.cidr 10.17.128.0/20 of region:default/studio-ne overlaps 10.17.0.0/16 of region:default/studio-sul',
};
const unresolvedHubConflict = {
  type: 'unresolved-ref',
  regions: ['region:default/studio-norte'],
  field: 'spec.hub',
  message:
    'spec.hub region:default/studio-gone of region:default/studio-norte does not resolve to a known region',
};
const standbySourceConflict = {
  type: 'invalid-replication-source',
  regions: ['region:default/studio-ne', 'region:default/studio-sul'],
  field: 'spec.replication.source',
  message:
    'spec.replication.source region:default/studio-sul of cold-standby region:default/studio-ne is a warm-standby, not a primary or active region',
};

const isoTimestamp = expect.stringMatching(
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
);

describe('regionsPlugin', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    beforeEach(async () => {
      knex = await databases.init(databaseId);
    });

    async function startRegionsBackend(options: {
      catalog?: ServiceFactory;
      config?: JsonObject;
      features?: BackendFeature[];
    }) {
      const backend = await startRegionsTestBackend({
        knex,
        entities: catalogEntities,
        ...options,
      });
      return {
        ...backend,
        task: backend.taskOf(CATALOG_SYNC_TASK_ID),
        sync: () => backend.runTask(CATALOG_SYNC_TASK_ID),
      };
    }

    it('answers an empty topology before the first sync', async () => {
      const { get } = await startRegionsBackend({});

      const res = await get('/topology');

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        regions: [],
        edges: [],
        conflicts: [],
        syncedAt: null,
      });
    });

    it('serves the synced regions, their edges and conflicts as the topology', async () => {
      const { sync, get } = await startRegionsBackend({});
      const before = Date.now();
      await sync();

      const res = await get('/topology');

      expect(res.status).toBe(200);
      expect(res.body.regions.map((r: { ref: string }) => r.ref)).toEqual([
        'region:default/studio-ne',
        'region:default/studio-norte',
        'region:default/studio-primary',
        'region:default/studio-sul',
      ]);
      expect(res.body.regions[2]).toEqual({
        ref: 'region:default/studio-primary',
        namespace: 'default',
        name: 'studio-primary',
        title: 'Studio Primary (São Paulo)',
        type: 'global-hub',
        tier: 1,
        lifecycle: 'production',
        owner: 'group:default/sre',
        provider: 'colo',
        location: { city: 'São Paulo', country: 'BR' },
        cidr: '10.16.0.0/16',
        replication: { role: 'primary' },
        status: 'ok',
        conflicts: 0,
      });
      expect(
        res.body.regions.map((r: any) => [
          r.name,
          r.tier,
          r.status,
          r.conflicts,
        ]),
      ).toEqual([
        ['studio-ne', 3, 'conflict', 2],
        ['studio-norte', 3, 'conflict', 1],
        ['studio-primary', 1, 'ok', 0],
        ['studio-sul', 2, 'conflict', 2],
      ]);
      expect(res.body.edges).toEqual([
        {
          from: 'region:default/studio-ne',
          to: 'region:default/studio-sul',
          kind: 'hub',
        },
        {
          from: 'region:default/studio-ne',
          to: 'region:default/studio-sul',
          kind: 'replication',
        },
        {
          from: 'region:default/studio-sul',
          to: 'region:default/studio-primary',
          kind: 'hub',
        },
        {
          from: 'region:default/studio-sul',
          to: 'region:default/studio-primary',
          kind: 'link',
          latencyTargetMs: 35,
          transport: 'wireguard',
          // nothing measures the link yet: no probe with `from`, no Prometheus
          latency: {
            targetMs: 35,
            measuredMs: null,
            measuredAt: null,
            source: null,
            breached: false,
          },
        },
        {
          from: 'region:default/studio-sul',
          to: 'region:default/studio-primary',
          kind: 'replication',
        },
      ]);
      expect(res.body.conflicts).toEqual([
        overlapConflict,
        unresolvedHubConflict,
        standbySourceConflict,
      ]);
      expect(res.body.syncedAt).toEqual(isoTimestamp);
      expect(Date.parse(res.body.syncedAt)).toBeGreaterThanOrEqual(before);
    });

    it('summarizes one region with the conflicts that name it', async () => {
      const { sync, get } = await startRegionsBackend({});
      await sync();

      const res = await get('/regions/default/studio-sul');

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        region: {
          ref: 'region:default/studio-sul',
          namespace: 'default',
          name: 'studio-sul',
          title: 'Studio-Sul (Porto Alegre)',
          type: 'regional-hub',
          tier: 2,
          lifecycle: 'production',
          owner: 'group:default/sre',
          cidr: '10.17.0.0/16',
          hub: 'region:default/studio-primary',
          replication: {
            role: 'warm-standby',
            source: 'region:default/studio-primary',
          },
          status: 'conflict',
          conflicts: 2,
        },
        conflicts: [overlapConflict, standbySourceConflict],
        syncedAt: isoTimestamp,
      });
    });

    it('answers 404 naming the ref for an unknown or invalid region', async () => {
      const { sync, get } = await startRegionsBackend({});
      await sync();

      const unknown = await get('/regions/default/studio-gone');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toMatchObject({
        name: 'NotFoundError',
        message: 'No region region:default/studio-gone in the catalog',
      });

      const skipped = await get('/regions/default/studio-broken');
      expect(skipped.status).toBe(404);
      expect(skipped.body.error.message).toContain(
        'region:default/studio-broken',
      );
    });

    it('answers 400 for a malformed namespace or name', async () => {
      const { get } = await startRegionsBackend({});

      const badName = await get('/regions/default/studio%20sul');
      expect(badName.status).toBe(400);
      expect(badName.body.error).toMatchObject({
        name: 'InputError',
        message: '"studio sul" is not a valid region name',
      });

      const badNamespace = await get(`/regions/${'n'.repeat(64)}/studio-sul`);
      expect(badNamespace.status).toBe(400);
      expect(badNamespace.body.error.message).toContain(
        'not a valid namespace',
      );
    });

    it('lists every conflict with the time it was computed', async () => {
      const { sync, get } = await startRegionsBackend({});
      await sync();

      const res = await get('/conflicts');

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        conflicts: [
          overlapConflict,
          unresolvedHubConflict,
          standbySourceConflict,
        ],
        syncedAt: isoTimestamp,
      });
    });

    it('answers the residency conflicts of an entity, stored with the entities they name', async () => {
      const checkout: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'checkout',
          namespace: 'default',
          annotations: {
            'meridian.dev/residency': 'LGPD',
            'meridian.dev/regions': 'studio-primary, studio-sul',
          },
        },
        spec: { type: 'service', lifecycle: 'production', owner: 'sre' },
      };
      const { sync, get } = await startRegionsBackend({
        catalog: catalogServiceMock.factory({
          entities: [
            {
              ...studioPrimary,
              spec: { ...studioPrimary.spec, residency: ['LGPD'] },
            },
            studioSul,
            checkout,
          ],
        }),
      });
      await sync();

      const res = await get('/conflicts?entity=component:default/checkout');

      expect(res.status).toBe(200);
      expect(res.body.conflicts).toEqual([
        {
          type: 'residency',
          regions: ['region:default/studio-sul'],
          entities: ['component:default/checkout'],
          field: 'metadata.annotations.meridian.dev/residency',
          message:
            'component:default/checkout must keep its data under LGPD (meridian.dev/residency) but meridian.dev/regions deploys it in region:default/studio-sul, whose spec.residency lacks LGPD',
        },
      ]);
      // the region shows it too, with the standby's own residency conflict
      const sul = await get('/regions/default/studio-sul');
      expect(
        sul.body.conflicts.filter(
          (c: { type: string }) => c.type === 'residency',
        ),
      ).toEqual([
        expect.objectContaining({ field: 'spec.residency' }),
        expect.objectContaining({ entities: ['component:default/checkout'] }),
      ]);
    });

    it('refuses requests without credentials', async () => {
      const { server } = await startRegionsBackend({});

      const res = await request(server)
        .get('/api/regions/topology')
        .set('Authorization', mockCredentials.none.header());

      expect(res.status).toBe(401);
    });

    it('replaces the snapshot on each sync and keeps it when the catalog cannot be read', async () => {
      const catalog = catalogServiceMock.mock();
      // Regions change once, then the catalog fails; nothing else is deployed.
      const regionReads = [
        [studioPrimary, studioSul, studioNe],
        [studioPrimary, studioSul],
      ];
      catalog.getEntities.mockImplementation(async req => {
        if ((req?.filter as { kind?: unknown })?.kind !== 'Region') {
          return { items: [] };
        }
        const items = regionReads.shift();
        if (!items) {
          throw new Error('catalog unavailable');
        }
        return { items };
      });
      const { sync, get } = await startRegionsBackend({
        catalog: catalog.factory,
      });

      await sync();
      const first = (await get('/topology')).body;
      expect(first.regions).toHaveLength(3);
      expect(first.conflicts).toEqual([overlapConflict, standbySourceConflict]);

      await sync();
      const second = (await get('/topology')).body;
      expect(second.regions.map((r: { name: string }) => r.name)).toEqual([
        'studio-primary',
        'studio-sul',
      ]);
      expect(second.conflicts).toEqual([]);
      expect(Date.parse(second.syncedAt)).toBeGreaterThanOrEqual(
        Date.parse(first.syncedAt),
      );
      expect((await get('/regions/default/studio-ne')).status).toBe(404);

      await sync();
      expect((await get('/topology')).body).toEqual(second);
      expect(catalog.getEntities).toHaveBeenCalledWith(
        { filter: { kind: 'Region' } },
        { credentials: mockCredentials.service('plugin:regions') },
      );
    });

    it('reports the conflicts of rules added by modules and survives a rule that throws', async () => {
      const conflictRulesModule = createBackendModule({
        pluginId: 'regions',
        moduleId: 'test-rules',
        register(reg) {
          reg.registerInit({
            deps: { rules: regionsConflictRulesExtensionPoint },
            async init({ rules }) {
              rules.addConflictRule(
                {
                  id: 'broken',
                  detect: async () => {
                    throw new Error('residency table missing');
                  },
                },
                {
                  id: 'colo-needs-residency',
                  detect: regions =>
                    regions
                      .filter(
                        r => r.spec.provider === 'colo' && !r.spec.residency,
                      )
                      .map(r => ({
                        type: 'missing-residency',
                        regions: [`region:default/${r.metadata.name}`],
                        field: 'spec.residency',
                        message: `spec.residency of region:default/${r.metadata.name} is missing`,
                      })),
                },
              );
            },
          });
        },
      });
      const { sync, get } = await startRegionsBackend({
        features: [conflictRulesModule],
      });
      await sync();

      const res = await get('/regions/default/studio-primary');

      expect(res.body.region).toMatchObject({
        status: 'conflict',
        conflicts: 1,
      });
      expect(res.body.conflicts).toEqual([
        {
          type: 'missing-residency',
          regions: ['region:default/studio-primary'],
          field: 'spec.residency',
          message: 'spec.residency of region:default/studio-primary is missing',
        },
      ]);
      expect((await get('/conflicts')).body.conflicts).toEqual([
        overlapConflict,
        unresolvedHubConflict,
        standbySourceConflict,
        res.body.conflicts[0],
      ]);
    });

    it('refuses a module rule whose id is taken', async () => {
      const duplicateRuleModule = createBackendModule({
        pluginId: 'regions',
        moduleId: 'duplicate-rule',
        register(reg) {
          reg.registerInit({
            deps: { rules: regionsConflictRulesExtensionPoint },
            async init({ rules }) {
              rules.addConflictRule({ id: 'cidr-overlap', detect: () => [] });
            },
          });
        },
      });

      await expect(
        startRegionsBackend({ features: [duplicateRuleModule] }),
      ).rejects.toThrow(
        "A region conflict rule with id 'cidr-overlap' is already registered",
      );
    });

    it("fences with a module's fencer, and refuses one whose id is taken", async () => {
      const fencerModule = (id: string) =>
        createBackendModule({
          pluginId: 'regions',
          moduleId: `fencer-${id}`,
          register(reg) {
            reg.registerInit({
              deps: { fencers: regionsFencersExtensionPoint },
              async init({ fencers }) {
                fencers.addFencer({
                  id,
                  reach: 'out-of-band',
                  supports: () => true,
                  fence: async () => ({ detail: 'powered off over IPMI' }),
                  verify: async () => ({ fenced: true, detail: 'off' }),
                });
              },
            });
          },
        });
      const lost = region(
        'studio-lost',
        { replication: { role: 'primary' } },
        { annotations: { 'meridian.dev/database': 'lost-db' } },
      );
      const standby = region(
        'studio-standby',
        {
          replication: {
            role: 'warm-standby',
            source: 'region:default/studio-lost',
          },
        },
        { annotations: { 'meridian.dev/database': 'standby-db' } },
      );
      const { sync, server } = await startRegionsBackend({
        catalog: catalogServiceMock.factory({ entities: [lost, standby] }),
        config: {
          regions: {
            databases: {
              // nothing listens there: the source does not answer
              'lost-db': {
                connection: 'postgresql://meridian:pw@127.0.0.1:1/postgres',
                regions: ['region:default/studio-lost'],
              },
              'standby-db': {
                connection: 'postgresql://meridian:pw@127.0.0.1:1/postgres',
                regions: ['region:default/studio-standby'],
              },
            },
          },
        },
        features: [fencerModule('ipmi')],
      });
      await sync();

      const preflight = await request(server)
        .post('/api/regions/failovers/preflight')
        .set('Authorization', mockCredentials.user.header())
        .send({
          region: 'region:default/studio-lost',
          target: 'region:default/studio-standby',
          mode: 'failover',
        });

      expect(preflight.status).toBe(200);
      expect(
        preflight.body.checks.find((c: { id: string }) => c.id === 'fence'),
      ).toMatchObject({
        passed: true,
        detail:
          'lost-db does not answer: the ipmi fencer fences it before the promotion',
      });
      await expect(
        startRegionsBackend({ features: [fencerModule('sql')] }),
      ).rejects.toThrow("A fencer with id 'sql' is already registered");
    });

    it('syncs globally every 15 seconds, starting 3 seconds after startup', async () => {
      const { task } = await startRegionsBackend({});

      expect(task).toMatchObject({
        id: 'regions-catalog-sync',
        frequency: { seconds: 15 },
        initialDelay: { seconds: 3 },
        scope: 'global',
      });
    });

    it('takes the sync schedule from regions.collectors.catalog', async () => {
      const { task } = await startRegionsBackend({
        config: {
          regions: {
            collectors: {
              catalog: { frequency: { minutes: 2 }, timeout: { seconds: 30 } },
            },
          },
        },
      });

      expect(task).toMatchObject({
        frequency: { minutes: 2 },
        timeout: { seconds: 30 },
        initialDelay: { seconds: 3 },
        scope: 'global',
      });
    });
  });
});
