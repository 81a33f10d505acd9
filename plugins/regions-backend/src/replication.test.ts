import {
  BackendFeature,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ReplicationObservation,
  regionsReplicationSourcesExtensionPoint,
  ReplicationSource,
} from '@meridian/plugin-regions-node';
import { Knex } from 'knex';
import { region } from './__testUtils__/region';
import { regionsPlugin } from './plugin';
import { startRegionsTestBackend } from './__testUtils__/regionsBackend';
import { CATALOG_SYNC_TASK_ID } from './catalog/syncRegionsFromCatalog';
import { REPLICATION_COLLECTOR_TASK_ID } from './collectors/replication/ReplicationCollector';

jest.setTimeout(60_000);

const studioPrimary = region('studio-primary', {
  type: 'global-hub',
  replication: { role: 'primary', mode: 'streaming', rpoSeconds: 60 },
});
const studioSul = region('studio-sul', {
  replication: {
    role: 'warm-standby',
    mode: 'streaming',
    source: 'region:default/studio-primary',
    rpoSeconds: 60,
  },
});

function observation(lagSeconds: number): ReplicationObservation {
  return {
    sampledAt: new Date(),
    nodeRole: 'primary',
    database: 'studio-primary-db',
    replicas: [
      {
        name: 'sul-1',
        state: 'streaming',
        syncState: 'async',
        lagBytes: 4096,
        lagSeconds,
      },
    ],
  };
}

/** A module adding a source that observes studio-primary only. */
function sourceModule(sample: ReplicationSource['sample']): BackendFeature {
  return createBackendModule({
    pluginId: 'regions',
    moduleId: 'test-replication-source',
    register(reg) {
      reg.registerInit({
        deps: { sources: regionsReplicationSourcesExtensionPoint },
        async init({ sources }) {
          sources.addReplicationSource({
            id: 'test',
            observes: r => r.metadata.name === 'studio-primary',
            sample,
          });
        },
      });
    },
  });
}

const isoTimestamp = expect.stringMatching(
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
);

describe('replication', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    beforeEach(async () => {
      knex = await databases.init(databaseId);
    });

    async function startRegionsBackend(config: JsonObject = {}) {
      const backend = await startRegionsTestBackend({
        knex,
        entities: [studioPrimary, studioSul],
        config,
        features: [sourceModule(async () => observation(40))],
      });
      return {
        ...backend,
        sync: () => backend.runTask(CATALOG_SYNC_TASK_ID),
        collect: () => backend.runTask(REPLICATION_COLLECTOR_TASK_ID),
      };
    }

    it('answers the latest sample, the replicas and the history of a region', async () => {
      const { sync, collect, get } = await startRegionsBackend();
      await sync();
      await collect();

      const res = await get('/regions/default/studio-primary/replication');

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        region: 'region:default/studio-primary',
        role: 'primary',
        mode: 'streaming',
        rpoSeconds: 60,
        observed: true,
        observedRole: 'primary',
        status: 'warning',
        reason:
          'worst replica sul-1 is 40 s behind (at least half the RPO 60 s)',
        source: 'test',
        database: 'studio-primary-db',
        sampledAt: isoTimestamp,
        replicas: [
          {
            name: 'sul-1',
            state: 'streaming',
            syncState: 'async',
            lagBytes: 4096,
            lagSeconds: 40,
            sampledAt: res.body.sampledAt,
          },
        ],
        subscriptions: [],
        window: '24h',
        history: [{ t: isoTimestamp, lagBytes: 4096, lagSeconds: 40 }],
      });

      const month = await get(
        '/regions/default/studio-primary/replication?window=30d',
      );
      expect(month.body).toMatchObject({
        window: '30d',
        history: [{ lagBytes: 4096, lagSeconds: 40 }],
      });
    });

    it('explains a region no source observes', async () => {
      const { sync, collect, get } = await startRegionsBackend();
      await sync();
      await collect();

      const res = await get(
        '/regions/default/studio-sul/replication?window=1h',
      );

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        region: 'region:default/studio-sul',
        role: 'warm-standby',
        mode: 'streaming',
        rpoSeconds: 60,
        observed: false,
        observedRole: 'unknown',
        status: 'unknown',
        reason:
          'no replication source observes this region (annotate it with meridian.dev/database naming a node of regions.databases)',
        sampledAt: null,
        replicas: [],
        subscriptions: [],
        window: '1h',
        history: [],
      });
    });

    it('answers 400 for an unknown window and 404 for an unknown region', async () => {
      const { sync, get } = await startRegionsBackend();
      await sync();

      const badWindow = await get(
        '/regions/default/studio-primary/replication?window=2h',
      );
      expect(badWindow.status).toBe(400);
      expect(badWindow.body.error).toMatchObject({
        name: 'InputError',
        message: 'window "2h" is not one of 1h, 24h, 7d, 30d',
      });

      const unknown = await get('/regions/default/studio-gone/replication');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toBe(
        'No region region:default/studio-gone in the catalog',
      );
    });

    it('shows the latest replication status of each region in the topology', async () => {
      const { sync, collect, get } = await startRegionsBackend();
      await sync();
      await collect();

      const res = await get('/topology');

      expect(res.body.regions.map((r: any) => [r.name, r.replication])).toEqual(
        [
          [
            'studio-primary',
            {
              role: 'primary',
              status: 'warning',
              lagSeconds: 40,
              lagBytes: 4096,
              sampledAt: isoTimestamp,
              observedRole: 'primary',
            },
          ],
          [
            'studio-sul',
            {
              role: 'warm-standby',
              source: 'region:default/studio-primary',
            },
          ],
        ],
      );
    });

    it('samples globally every 10 seconds unless configured otherwise', async () => {
      const byDefault = await startRegionsBackend();
      expect(byDefault.taskOf('regions-replication-collector')).toMatchObject({
        frequency: { seconds: 10 },
        scope: 'global',
      });

      const configured = await startRegionsBackend({
        regions: {
          collectors: {
            replication: {
              frequency: { seconds: 30 },
              retention: { raw: { hours: 30 } },
            },
          },
        },
      });
      expect(configured.taskOf('regions-replication-collector')).toMatchObject({
        frequency: { seconds: 30 },
        scope: 'global',
      });
    });

    it('takes one sample per tick between two backend instances on one database', async () => {
      // The real scheduler: its global tasks take a lock in the database.
      const sampledAt: number[] = [];
      const sample = jest.fn(async () => {
        sampledAt.push(Date.now());
        return observation(1);
      });
      const config = {
        regions: {
          collectors: {
            catalog: {
              frequency: { seconds: 1 },
              initialDelay: { milliseconds: 0 },
            },
            replication: {
              frequency: { seconds: 1 },
              initialDelay: { milliseconds: 0 },
            },
          },
        },
      };
      const startInstance = () =>
        startTestBackend({
          features: [
            regionsPlugin,
            mockServices.database.factory({ knex }),
            catalogServiceMock.factory({ entities: [studioPrimary] }),
            mockServices.rootConfig.factory({ data: config }),
            schedulerServiceFactory,
            sourceModule(sample),
          ],
        });
      const first = await startInstance();
      const second = await startInstance();

      // Wait for 12 samples rather than sleeping: a loaded machine only delays them.
      const samples = 12;
      const deadline = Date.now() + 60_000;
      while (sample.mock.calls.length < samples && Date.now() < deadline) {
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      const taken = sampledAt.slice(0, samples);
      expect(taken).toHaveLength(samples);

      // The global task's next start is its previous start plus 1 s (or
      // later): 11 ticks span 11 s, less how much later in its tick the first
      // sample was taken than the last (under 2 s even on a loaded machine).
      // Two instances each on their own would take 12 samples in about 5.5 s.
      expect(taken[samples - 1] - taken[0]).toBeGreaterThanOrEqual(
        (samples - 3) * 1_000,
      );

      await first.stop();
      await second.stop();
    });
  });
});
