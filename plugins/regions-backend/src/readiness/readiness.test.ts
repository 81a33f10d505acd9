import {
  BackendFeature,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/config';
import {
  ReadinessCheck,
  regionsReadinessChecksExtensionPoint,
} from '@meridian/plugin-regions-node';
import { Knex } from 'knex';
import { sreGroup, sreService } from '../__testUtils__/catalogEntities';
import { region } from '../__testUtils__/region';
import { startRegionsTestBackend } from '../__testUtils__/regionsBackend';
import { CATALOG_SYNC_TASK_ID } from '../catalog/syncRegionsFromCatalog';
import { READINESS_EVALUATION_TASK_ID } from './config';

jest.setTimeout(60_000);

// Passes every built-in check that applies without live replication or
// failover facts: a global hub with no replication declared loses only
// Backup & DR (no standby holds its data).
const studioPrimary = region(
  'studio-primary',
  {
    type: 'global-hub',
    location: { city: 'São Paulo', country: 'BR' },
    userLatencyTargetMs: 15,
    residency: ['LGPD'],
    availabilityTarget: 99.95,
  },
  { annotations: { 'backstage.io/techdocs-ref': 'dir:.' } },
);
const renderFarm = sreService('render-farm', 'studio-primary');

/** The README's example: a backup check from a backend module. */
const veleroCheck: ReadinessCheck = {
  id: 'velero-backup-fresh',
  title: 'Velero backup in the last 24 h',
  category: 'backup-dr',
  weight: 2,
  remediation: 'Schedule a Velero backup of the region’s cluster.',
  evaluate: ({ region: subject }) => ({
    result: 'passed',
    evidence: `backup ${subject.metadata.name}-daily completed`,
    evidenceAt: new Date('2026-12-01T03:00:00.000Z'),
  }),
};
const brokenCheck: ReadinessCheck = {
  id: 'cmdb-registered',
  title: 'Registered in the CMDB',
  category: 'documentation',
  evaluate: async () => {
    throw new Error('CMDB answered HTTP 503');
  },
};

function checksModule(...checks: ReadinessCheck[]): BackendFeature {
  return createBackendModule({
    pluginId: 'regions',
    moduleId: 'test-readiness-checks',
    register(reg) {
      reg.registerInit({
        deps: { readiness: regionsReadinessChecksExtensionPoint },
        async init({ readiness }) {
          readiness.addReadinessCheck(...checks);
        },
      });
    },
  });
}

const isoTimestamp = expect.stringMatching(
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
);

describe('readiness', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    beforeEach(async () => {
      knex = await databases.init(databaseId);
    });

    async function startRegionsBackend(
      options: {
        entities?: Entity[];
        config?: JsonObject;
        features?: BackendFeature[];
      } = {},
    ) {
      const backend = await startRegionsTestBackend({
        knex,
        entities: [studioPrimary, sreGroup, renderFarm],
        ...options,
      });
      return {
        ...backend,
        sync: () => backend.runTask(CATALOG_SYNC_TASK_ID),
        evaluate: () => backend.runTask(READINESS_EVALUATION_TASK_ID),
      };
    }

    it('answers the six categories with their checks, score and threshold', async () => {
      const { sync, evaluate, get } = await startRegionsBackend();
      await sync();
      await evaluate();

      const res = await get('/regions/default/studio-primary/readiness');

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        region: 'region:default/studio-primary',
        // five categories at 100, Backup & DR at 0
        score: 83.3,
        threshold: 94,
        ready: false,
        evaluatedAt: isoTimestamp,
        history: [{ t: isoTimestamp, score: 83.3 }],
      });
      expect(
        res.body.categories.map((c: any) => [c.id, c.title, c.score, c.weight]),
      ).toEqual([
        ['infrastructure', 'Infrastructure', 100, 1],
        ['observability', 'Observability', 100, 1],
        ['deployment', 'Deployment', 100, 1],
        ['security', 'Security', 100, 1],
        ['backup-dr', 'Backup & DR', 0, 1],
        ['documentation', 'Documentation', 100, 1],
      ]);
      const backupDr = res.body.categories[4];
      expect(backupDr.checks).toEqual([
        {
          id: 'dr-plan-declared',
          title: 'Standby and recovery targets declared',
          category: 'backup-dr',
          result: 'failed',
          evidence:
            'spec.replication.role is not declared: no standby holds this region’s data',
          evidenceAt: isoTimestamp,
          remediation: expect.stringContaining('Declare spec.replication'),
          weight: 1,
          evaluatedAt: res.body.evaluatedAt,
        },
      ]);
      expect(res.body.categories[2].checks[0]).toMatchObject({
        id: 'components-deployed',
        result: 'passed',
        evidence: '1 hosted: component:default/render-farm',
      });
      // a passed check has nothing to fix
      expect(res.body.categories[2].checks[0].remediation).toBeUndefined();
    });

    it('scores a region on first request before the scheduled evaluation, and keeps the trend', async () => {
      const { sync, evaluate, get } = await startRegionsBackend();
      await sync();

      const first = await get('/regions/default/studio-primary/readiness');
      expect(first.body.evaluatedAt).toEqual(isoTimestamp);
      expect(first.body.history).toHaveLength(1);

      await evaluate();
      const second = await get('/regions/default/studio-primary/readiness');
      expect(Date.parse(second.body.evaluatedAt)).toBeGreaterThanOrEqual(
        Date.parse(first.body.evaluatedAt),
      );
      // both evaluations fall into the same trend bucket: its lowest score
      expect(second.body.history).toEqual([{ t: isoTimestamp, score: 83.3 }]);
    });

    it('stores every region of a run, more than one statement holds, each with its own score', async () => {
      const edges = Array.from({ length: 450 }, (_, i) =>
        region(`edge-${i}`, {
          hub: 'studio-primary',
          // half of them name an owner the catalog does not know
          ...(i % 2 ? { owner: 'group:default/nobody' } : {}),
        }),
      );
      const { sync, evaluate, get } = await startRegionsBackend({
        entities: [studioPrimary, sreGroup, renderFarm, ...edges],
      });
      await sync();
      await evaluate();

      const { body } = await get('/topology');
      const scores = new Map<string, number>(
        body.regions.map((r: any) => [r.name, r.readiness?.score]),
      );
      expect(scores.size).toBe(451);
      expect(scores.get('studio-primary')).toBe(83.3);
      const known = scores.get('edge-0')!;
      expect(known).toBeGreaterThan(0);
      for (let i = 0; i < 450; i++) {
        // the unknown owner costs the odd ones the same, and only that
        expect(scores.get(`edge-${i}`)).toBe(
          i % 2 ? scores.get('edge-1') : known,
        );
      }
      expect(scores.get('edge-1')).toBeLessThan(known);
      const [{ count }] = await knex('region_readiness_history').count({
        count: '*',
      });
      expect(Number(count)).toBe(451);
      const odd = await get('/regions/default/edge-449/readiness');
      expect(
        odd.body.categories
          .flatMap((c: any) => c.checks)
          .find((c: any) => c.id === 'owner-known'),
      ).toMatchObject({
        result: 'failed',
        evidence: 'spec.owner group:default/nobody is not in the catalog',
      });
      expect(odd.body.history).toHaveLength(1);
    });

    it('shows checks added by modules, and a check that throws as unknown with its error', async () => {
      const { sync, evaluate, get } = await startRegionsBackend({
        features: [checksModule(veleroCheck, brokenCheck)],
      });
      await sync();
      await evaluate();

      const res = await get('/regions/default/studio-primary/readiness');

      const backupDr = res.body.categories[4];
      expect(
        backupDr.checks.map((c: any) => [c.id, c.result, c.weight]),
      ).toEqual([
        ['dr-plan-declared', 'failed', 1],
        ['velero-backup-fresh', 'passed', 2],
      ]);
      expect(backupDr.checks[1]).toMatchObject({
        title: 'Velero backup in the last 24 h',
        evidence: 'backup studio-primary-daily completed',
        evidenceAt: '2026-12-01T03:00:00.000Z',
      });
      // weight 2 of 3 passed
      expect(backupDr.score).toBe(66.7);
      const documentation = res.body.categories[5];
      expect(documentation.checks[1]).toMatchObject({
        id: 'cmdb-registered',
        result: 'unknown',
        evidence: 'the check failed: CMDB answered HTTP 503',
      });
      expect(documentation.score).toBe(50);
      // (4 × 100 + 66.7 + 50) / 6
      expect(res.body.score).toBe(86.1);
    });

    it('weighs categories and checks from config and judges ready against the threshold', async () => {
      const { sync, evaluate, get } = await startRegionsBackend({
        config: {
          regions: {
            readiness: {
              threshold: 90,
              weights: {
                categories: { 'backup-dr': 0.5, documentation: 0 },
                checks: { 'dr-plan-declared': 0 },
              },
            },
          },
        },
        features: [checksModule(veleroCheck)],
      });
      await sync();
      await evaluate();

      const res = await get('/regions/default/studio-primary/readiness');

      // the DR plan weighs nothing, Velero passes: Backup & DR 100 at half weight
      expect(res.body.categories[4]).toMatchObject({ score: 100, weight: 0.5 });
      expect(res.body).toMatchObject({
        score: 100,
        threshold: 90,
        ready: true,
      });

      const topology = await get('/topology');
      expect(topology.body.regions[0].readiness).toEqual({
        score: 100,
        ready: true,
        evaluatedAt: res.body.evaluatedAt,
      });
    });

    it('refuses weights for unknown categories or checks, and a threshold out of range, naming key and value', async () => {
      await expect(
        startRegionsBackend({
          config: {
            regions: { readiness: { weights: { checks: { velero: 2 } } } },
          },
        }),
      ).rejects.toThrow(
        /regions\.readiness\.weights\.checks\.velero: "velero" is not a readiness check of this backend/,
      );
      await expect(
        startRegionsBackend({
          config: {
            regions: { readiness: { weights: { categories: { cost: 1 } } } },
          },
        }),
      ).rejects.toThrow(
        /regions\.readiness\.weights\.categories\.cost: "cost" is not a readiness category/,
      );
      await expect(
        startRegionsBackend({
          config: { regions: { readiness: { threshold: 140 } } },
        }),
      ).rejects.toThrow(
        'regions.readiness.threshold must be between 0 and 100, got 140',
      );
      await expect(
        startRegionsBackend({
          config: {
            regions: {
              readiness: { weights: { categories: { security: -1 } } },
            },
          },
        }),
      ).rejects.toThrow(
        'regions.readiness.weights.categories.security must be a number of at least 0, got -1',
      );
    });

    it('refuses a module check whose id is taken', async () => {
      await expect(
        startRegionsBackend({
          features: [checksModule({ ...veleroCheck, id: 'runbook' })],
        }),
      ).rejects.toThrow(
        "A readiness check with id 'runbook' is already registered",
      );
    });

    it('answers 404 for an unknown region and 400 for a bad name', async () => {
      const { sync, get } = await startRegionsBackend();
      await sync();

      const unknown = await get('/regions/default/studio-gone/readiness');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toBe(
        'No region region:default/studio-gone in the catalog',
      );
      const bad = await get('/regions/default/studio%20x/readiness');
      expect(bad.status).toBe(400);
    });

    it('evaluates globally every 5 minutes, from regions.collectors.readiness', async () => {
      const defaults = await startRegionsBackend();
      expect(defaults.taskOf('regions-readiness-evaluation')).toMatchObject({
        frequency: { minutes: 5 },
        initialDelay: { seconds: 20 },
        scope: 'global',
      });
      const configured = await startRegionsBackend({
        config: {
          regions: { collectors: { readiness: { frequency: { minutes: 1 } } } },
        },
      });
      expect(configured.taskOf('regions-readiness-evaluation')).toMatchObject({
        frequency: { minutes: 1 },
        scope: 'global',
      });
    });
  });
});
