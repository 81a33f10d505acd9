import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FailoverRun } from '@meridian/plugin-regions-common';
import { Knex } from 'knex';
import request from 'supertest';
import { region } from '../__testUtils__/region';
import { regionsPlugin } from '../plugin';
import { PostgresPair, startPostgresPair } from '../testing/postgresLab';

jest.setTimeout(120_000);

const OWNER = 'user:default/priya.nair';
const OTHER = 'user:default/lucas.lima';

const usEast = region(
  'us-east',
  {
    type: 'global-hub',
    owner: 'group:default/payments-team',
    replication: { role: 'primary', mode: 'streaming' },
  },
  { annotations: { 'meridian.dev/database': 'us-east-db' } },
);
const usWest = region(
  'us-west',
  {
    type: 'global-hub',
    owner: 'group:default/payments-team',
    replication: {
      role: 'warm-standby',
      mode: 'streaming',
      source: 'region:default/us-east',
    },
  },
  { annotations: { 'meridian.dev/database': 'us-west-db' } },
);

describe('failover routes', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  let pair: PostgresPair;
  beforeAll(async () => {
    pair = await startPostgresPair({ names: ['east', 'west'] });
  });
  afterAll(async () => {
    await pair?.stop();
  });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    beforeEach(async () => {
      knex = await databases.init(databaseId);
    });

    /**
     * The test regions are far from the seed plan's 94 % readiness (no runbook,
     * no drill): `readinessThreshold` 0 keeps the readiness gate out of the way
     * of the tests about the routes themselves.
     */
    async function startRegionsBackend(
      settings: { readinessThreshold?: number } = {},
    ) {
      const scheduler = mockServices.scheduler.mock();
      const auditor = mockServices.auditor.mock();
      const auditEvent = { success: jest.fn(), fail: jest.fn() };
      auditor.createEvent.mockResolvedValue(auditEvent);
      // Stands in for the portal's policy: the payments team's member owns the regions.
      const permissions = mockServices.permissions.mock({
        authorize: async (requests, options) =>
          requests.map(() => ({
            result:
              'credentials' in (options ?? {}) &&
              (options as any).credentials.principal.userEntityRef === OWNER
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          })),
      });
      const { server } = await startTestBackend({
        features: [
          regionsPlugin,
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({ entities: [usEast, usWest] }),
          mockServices.rootConfig.factory({
            data: {
              regions: {
                databases: {
                  'us-east-db': {
                    connection: pair.primary.superuserConnectionString,
                  },
                  'us-west-db': {
                    connection: pair.standby.superuserConnectionString,
                  },
                },
                readiness: { threshold: settings.readinessThreshold ?? 0 },
              },
            },
          }),
          scheduler.factory,
          auditor.factory,
          permissions.factory,
        ],
      });
      const task = (id: string) =>
        scheduler.scheduleTask.mock.calls.find(([t]) => t.id === id)![0];
      await task('regions-catalog-sync').fn(new AbortController().signal);
      const post = (body: object, user = OWNER) =>
        request(server)
          .post('/api/regions/failovers')
          .set('Authorization', mockCredentials.user.header(user))
          .send(body);
      const get = (path: string) =>
        request(server)
          .get(`/api/regions${path}`)
          .set('Authorization', mockCredentials.user.header(OWNER));
      const finished = async (id: string): Promise<FailoverRun> => {
        for (;;) {
          const res = await get(`/failovers/${id}`);
          expect(res.status).toBe(200);
          if (!['pending', 'running'].includes(res.body.status)) {
            return res.body;
          }
          await new Promise(resolve => setTimeout(resolve, 20));
        }
      };
      return { post, get, finished, auditor, auditEvent };
    }

    const drill = {
      region: 'region:default/us-east',
      target: 'region:default/us-west',
      mode: 'drill',
    };

    it('starts a drill for an owner, records who ran it, and lists it under both regions', async () => {
      const { post, get, finished, auditor, auditEvent } =
        await startRegionsBackend();

      const res = await post(drill);

      expect(res.status).toBe(202);
      expect(res.body).toEqual({ id: expect.any(String), status: 'pending' });
      const run = await finished(res.body.id);
      expect(run).toMatchObject({
        region: 'region:default/us-east',
        target: 'region:default/us-west',
        mode: 'drill',
        status: 'succeeded',
        createdBy: OWNER,
        rtoMs: null,
      });
      expect(run.preflight.every(check => check.passed)).toBe(true);
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({
          eventId: 'failover-run',
          meta: expect.objectContaining({ mode: 'drill' }),
        }),
      );
      expect(auditEvent.success).toHaveBeenCalledWith({
        meta: { runId: run.id, actor: OWNER },
      });
      for (const name of ['us-east', 'us-west']) {
        const list = await get(`/regions/default/${name}/failovers`);
        expect(list.status).toBe(200);
        expect(list.body.runs.map((r: FailoverRun) => r.id)).toEqual([run.id]);
      }
      expect(JSON.stringify(run)).not.toContain(
        new URL(pair.primary.superuserConnectionString).password,
      );
    });

    it('refuses a run whose target is below the readiness threshold, naming its score, unless forced', async () => {
      const { post, finished } = await startRegionsBackend({
        readinessThreshold: 94,
      });

      const refused = await finished((await post(drill)).body.id);

      expect(refused.status).toBe('refused');
      expect(
        refused.preflight.find(check => check.id === 'readiness'),
      ).toMatchObject({
        passed: false,
        forcible: true,
        detail: expect.stringMatching(/^score \d+(\.\d)? < threshold 94$/),
      });
      const forced = await finished(
        (
          await post({ ...drill, force: true })
        ).body.id,
      );
      expect(forced.status).toBe('succeeded');
    });

    it('answers 403 to a user who may not run it, and records nothing', async () => {
      const { post, get, auditEvent } = await startRegionsBackend();

      const res = await post(drill, OTHER);

      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        "you may not run a failover of region:default/us-east: it needs the permission regions.failover.run (given to the region's owners)",
      );
      expect(auditEvent.fail).toHaveBeenCalled();
      expect((await get('/regions/default/us-east/failovers')).body).toEqual({
        runs: [],
      });
    });

    it('answers 409 to the second of two concurrent runs on a region', async () => {
      const { post, finished } = await startRegionsBackend();

      const answers = await Promise.all([post(drill), post(drill)]);

      expect(answers.map(a => a.status).sort()).toEqual([202, 409]);
      const started = answers.find(a => a.status === 202)!;
      const refused = answers.find(a => a.status === 409)!;
      expect(refused.body.error.message).toMatch(
        `failover run ${started.body.id} is in progress for region:default/us-`,
      );
      expect((await finished(started.body.id)).status).toBe('succeeded');
    });

    it('answers 400 naming the field and value, and 404 for unknown regions and runs', async () => {
      const { post, get } = await startRegionsBackend();

      const cases: [object, number, string][] = [
        [
          { ...drill, mode: 'panic' },
          400,
          'mode "panic" is not one of drill, switchover, failover',
        ],
        [{ region: drill.region, mode: 'drill' }, 400, 'target is required'],
        [
          { ...drill, force: 'yes' },
          400,
          'force "yes" is invalid: expected boolean, received string',
        ],
        [{ ...drill, now: true }, 400, 'unknown field "now"'],
        [
          { ...drill, target: 'component:default/us-west' },
          400,
          'target "component:default/us-west" is a component, not a Region',
        ],
        [
          { ...drill, target: drill.region },
          400,
          'target "region:default/us-east" is the region itself; name the standby region to promote',
        ],
        [
          { ...drill, region: 'region:default/nowhere' },
          404,
          'region region:default/nowhere is not a region in the catalog',
        ],
        [
          { ...drill, target: 'us-north' },
          404,
          'target region:default/us-north is not a region in the catalog',
        ],
      ];
      for (const [body, status, message] of cases) {
        const res = await post(body);
        expect({
          body,
          status: res.status,
          message: res.body.error?.message,
        }).toEqual({
          body,
          status,
          message,
        });
      }
      expect((await get('/failovers/nope')).status).toBe(404);
      expect((await get('/regions/default/nowhere/failovers')).status).toBe(
        404,
      );
      expect((await get('/regions/default/Not_Valid!/failovers')).status).toBe(
        400,
      );
    });
  });
});
