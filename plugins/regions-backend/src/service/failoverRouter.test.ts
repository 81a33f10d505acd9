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
import { usEastWestPair } from '../__testUtils__/region';
import { regionsPlugin } from '../plugin';
import { PostgresPair, startPostgresPair } from '../testing/postgresLab';

jest.setTimeout(120_000);

const OWNER = 'user:default/priya.nair';
const OTHER = 'user:default/lucas.lima';
/** Owns us-east only: another team owns the target. */
const EAST_OWNER = 'user:default/ana.souza';
/** A service the policy grants regions.failover.run unconditionally. */
const TRUSTED_SERVICE = 'external:dr-automation';
const EAST = 'region:default/us-east';
const WEST = 'region:default/us-west';

const [usEast, usWest] = usEastWestPair({
  type: 'global-hub',
  owner: 'group:default/payments-team',
});

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
      // Stands in for the portal's policy: each user may fail over the
      // regions they own; services pass the per-region check, and only the
      // trusted one is granted the permission unconditionally.
      const owns: Record<string, string[]> = {
        [OWNER]: [EAST, WEST],
        [EAST_OWNER]: [EAST],
      };
      const principalOf = (options: unknown) =>
        (options as { credentials: { principal: any } }).credentials.principal;
      const permissions = mockServices.permissions.mock({
        authorize: async (requests, options) =>
          requests.map(query => {
            const principal = principalOf(options);
            const allowed =
              principal.type === 'service' ||
              (owns[principal.userEntityRef] ?? []).includes(
                (query as { resourceRef: string }).resourceRef,
              );
            return {
              result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
            };
          }),
        authorizeConditional: async (requests, options) =>
          requests.map(() =>
            principalOf(options).subject === TRUSTED_SERVICE
              ? { result: AuthorizeResult.ALLOW }
              : { result: AuthorizeResult.DENY },
          ),
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
                    regions: ['region:default/us-east'],
                    connection: pair.primary.superuserConnectionString,
                  },
                  'us-west-db': {
                    regions: ['region:default/us-west'],
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
      const post = (body: object, user = OWNER, path = '/failovers') =>
        request(server)
          .post(`/api/regions${path}`)
          .set('Authorization', mockCredentials.user.header(user))
          .send(body);
      const postAsService = (body: object, subject: string) =>
        request(server)
          .post('/api/regions/failovers')
          .set(
            'Authorization',
            mockCredentials.service.header({
              onBehalfOf: mockCredentials.service(subject),
              targetPluginId: 'regions',
            }),
          )
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
      return { post, postAsService, get, finished, auditor, auditEvent };
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
        detail: expect.stringMatching(
          /^region:default\/us-west scores \d+(\.\d)? < threshold 94$/,
        ),
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
        "you may not run a failover of region:default/us-east and region:default/us-west: it needs the permission regions.failover.run on both regions (given to the regions' owners)",
      );
      expect(auditEvent.fail).toHaveBeenCalled();
      expect((await get('/regions/default/us-east/failovers')).body).toEqual({
        runs: [],
      });
    });

    it('checks the permission on the target too: owning the region alone is not enough', async () => {
      const { post, get } = await startRegionsBackend();

      const res = await post(drill, EAST_OWNER);

      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        "you may not run a failover of region:default/us-west: it needs the permission regions.failover.run on both regions (given to the regions' owners)",
      );
      expect((await get('/regions/default/us-west/failovers')).body).toEqual({
        runs: [],
      });
    });

    it('lets a service start drills, and more only where the policy grants it the permission outright', async () => {
      const { postAsService, finished } = await startRegionsBackend({
        readinessThreshold: 94, // the pre-flight refuses: the pair stays as it is
      });
      const switchover = { ...drill, mode: 'switchover' };

      const drilled = await postAsService(drill, 'external:ci');
      expect(drilled.status).toBe(202);
      expect((await finished(drilled.body.id)).createdBy).toBe('external:ci');

      const refused = await postAsService(switchover, 'external:ci');
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toBe(
        'the service external:ci may start only drills: a switchover needs the permission policy to grant regions.failover.run to it explicitly (see the regions-backend README)',
      );

      const granted = await postAsService(switchover, TRUSTED_SERVICE);
      expect(granted.status).toBe(202);
      expect((await finished(granted.body.id)).status).toBe('refused');
    });

    it("takes the operator's attestation for an emergency failover only, in words, and keeps it on the run and in the audit", async () => {
      const { post, finished, auditor } = await startRegionsBackend({
        readinessThreshold: 94, // the pre-flight refuses: the pair stays as it is
      });
      const failover = { ...drill, mode: 'failover' };

      const cases: [object, string][] = [
        [
          { ...drill, mode: 'switchover', sourceFenced: 'powered off db-1' },
          'sourceFenced is only for mode failover (an emergency with the old primary lost), not switchover',
        ],
        [
          { ...failover, sourceFenced: '  ok ' },
          'sourceFenced "  ok " does not say what was done: describe how the old primary was made safe (e.g. "powered off db-1 in the console at 03:12")',
        ],
      ];
      for (const [body, message] of cases) {
        const res = await post(body);
        expect([res.status, res.body.error?.message]).toEqual([400, message]);
      }

      const res = await post({
        ...failover,
        sourceFenced: ' powered off east-1 in the console at 03:12 ',
      });
      expect(res.status).toBe(202);
      const run = await finished(res.body.id);
      expect(run.sourceFenced).toBe(
        'powered off east-1 in the console at 03:12',
      );
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({
          eventId: 'failover-run',
          severityLevel: 'high',
          meta: expect.objectContaining({
            sourceFenced: 'powered off east-1 in the console at 03:12',
          }),
        }),
      );
    });

    it('answers the pre-flight a run would make without recording or changing anything', async () => {
      const { post, get } = await startRegionsBackend();

      const res = await post(
        { ...drill, mode: 'switchover' },
        OWNER,
        '/failovers/preflight',
      );

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        ok: true,
        // by default only an emergency failover waits for an approval
        approvalsRequired: 0,
        evaluatedAt: expect.any(String),
        checks: expect.arrayContaining([
          expect.objectContaining({ id: 'topology', passed: true }),
          expect.objectContaining({ id: 'fence', passed: true }),
        ]),
      });
      expect((await get('/regions/default/us-east/failovers')).body).toEqual({
        runs: [],
      });
      expect((await post(drill, OTHER, '/failovers/preflight')).status).toBe(
        403,
      );
    });

    it('resumes only an interrupted run', async () => {
      const { post, finished } = await startRegionsBackend();
      const run = await finished((await post(drill)).body.id);

      const again = await post({}, OWNER, `/failovers/${run.id}/resume`);
      expect(again.status).toBe(409);
      expect(again.body.error.message).toBe(
        `failover run ${run.id} is succeeded: only an interrupted run can be resumed`,
      );
      expect(
        (await post({}, OTHER, `/failovers/${run.id}/resume`)).status,
      ).toBe(403);
      expect((await post({}, OWNER, '/failovers/nope/resume')).status).toBe(
        404,
      );
    });

    it('answers 409 to the second of two concurrent runs on a region', async () => {
      const { post, finished } = await startRegionsBackend();

      const answers = await Promise.all([post(drill), post(drill)]);

      expect(answers.map(a => a.status).sort()).toEqual([202, 409]);
      const started = answers.find(a => a.status === 202)!;
      const refused = answers.find(a => a.status === 409)!;
      expect(refused.body.error.message).toMatch(
        new RegExp(
          `^failover run ${started.body.id} is in progress for (region:default/us-|database:us-)`,
        ),
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
