import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ActiveFailoversResponse } from '@meridian/plugin-regions-common';
import request from 'supertest';
import { region } from '../__testUtils__/region';
import { CATALOG_SYNC_TASK_ID } from '../catalog/syncRegionsFromCatalog';
import { FailoverStore } from '../database/FailoverStore';
import { regionsPlugin } from '../plugin';

/*
 * `GET /failovers?status=active`, the home page's runs in progress, through
 * the plugin as the backend wires it, on runs a real FailoverStore recorded
 * in the test database.
 */

jest.setTimeout(120_000);

const OPERATOR = 'user:default/priya.nair';
/** May not read the restricted region in the catalog. */
const OUTSIDER = 'user:default/lucas.lima';
const ref = (name: string) => `region:default/${name}`;
const RESTRICTED = ref('gov-east');
const regions = [
  'us-east',
  'us-west',
  'eu-west',
  'eu-central',
  'gov-east',
  'ap-south',
];

describe('GET /failovers?status=active', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function startRegionsBackend() {
      const knex = await databases.init(databaseId);
      const scheduler = mockServices.scheduler.mock();
      // the catalog's read rule, as a policy would answer it: the outsider
      // may read every region but the restricted one
      const permissions = mockServices.permissions.mock({
        authorize: async (requests, options) =>
          requests.map(query => {
            const principal = (options as any).credentials.principal;
            const denied =
              principal.userEntityRef === OUTSIDER &&
              (query as { resourceRef: string }).resourceRef === RESTRICTED;
            return {
              result: denied ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
            };
          }),
      });
      const { server } = await startTestBackend({
        features: [
          regionsPlugin,
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({
            entities: regions.map(name => region(name)),
          }),
          mockServices.rootConfig.factory({ data: {} }),
          scheduler.factory,
          permissions.factory,
        ],
      });
      await scheduler.scheduleTask.mock.calls
        .find(([task]) => task.id === CATALOG_SYNC_TASK_ID)![0]
        .fn(new AbortController().signal);
      const store = await FailoverStore.create({
        database: mockServices.database({ knex }),
      });
      const get = (path: string, user = OPERATOR) =>
        request(server)
          .get(`/api/regions${path}`)
          .set('Authorization', mockCredentials.user.header(user));
      return { store, get };
    }

    async function createRun(
      store: FailoverStore,
      source: string,
      target: string,
      mode: 'drill' | 'switchover' = 'switchover',
    ) {
      return store.createRun({
        region: ref(source),
        target: ref(target),
        mode,
        dryRun: false,
        force: false,
        createdBy: OPERATOR,
        holds: [ref(source), ref(target)],
      });
    }

    it('lists the pending, running and awaiting-approval runs of every region, not the finished ones', async () => {
      const { store, get } = await startRegionsBackend();
      const pending = await createRun(store, 'us-east', 'us-west');
      const running = await createRun(store, 'eu-west', 'eu-central', 'drill');
      await store.claim(running.id);
      const finished = await createRun(store, 'gov-east', 'ap-south');
      const finishing = await store.claim(finished.id);
      await store.finishRun(finished.id, finishing!.epoch, {
        status: 'succeeded',
        steps: finishing!.run.steps,
      });

      const response = await get('/failovers?status=active');

      expect(response.status).toBe(200);
      const body = response.body as ActiveFailoversResponse;
      expect(body.runs).toHaveLength(2);
      expect(body.runs).toEqual(
        expect.arrayContaining([
          {
            id: pending.id,
            region: ref('us-east'),
            target: ref('us-west'),
            mode: 'switchover',
            dryRun: false,
            status: 'pending',
            createdBy: OPERATOR,
            startedAt: pending.createdAt,
          },
          expect.objectContaining({
            id: running.id,
            region: ref('eu-west'),
            target: ref('eu-central'),
            mode: 'drill',
            status: 'running',
          }),
        ]),
      );
    });

    it('lists a run awaiting approval', async () => {
      const { store, get } = await startRegionsBackend();
      const run = await createRun(store, 'us-east', 'us-west');
      const claimed = await store.claim(run.id);
      await store.awaitApproval(
        run.id,
        claimed!.epoch,
        new Date(Date.now() + 3_600_000),
        claimed!.run.steps,
      );

      const response = await get('/failovers?status=active');

      expect(response.body.runs).toEqual([
        expect.objectContaining({ id: run.id, status: 'awaiting-approval' }),
      ]);
    });

    it('leaves out the runs naming a region the user may not read', async () => {
      const { store, get } = await startRegionsBackend();
      const open = await createRun(store, 'us-east', 'us-west');
      const restricted = await createRun(store, 'eu-west', 'gov-east');

      const outsider = await get('/failovers?status=active', OUTSIDER);
      const operator = await get('/failovers?status=active');

      expect(outsider.body.runs.map((r: { id: string }) => r.id)).toEqual([
        open.id,
      ]);
      expect(
        operator.body.runs.map((r: { id: string }) => r.id).sort(),
      ).toEqual([open.id, restricted.id].sort());
    });

    it('answers an empty list when nothing runs', async () => {
      const { get } = await startRegionsBackend();

      const response = await get('/failovers?status=active');

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ runs: [] });
    });

    it('refuses another status, naming it', async () => {
      const { get } = await startRegionsBackend();

      const finished = await get('/failovers?status=finished');
      const missing = await get('/failovers');

      expect(finished.status).toBe(400);
      expect(finished.body.error.message).toBe(
        'status "finished" is not supported: only status=active (runs in progress) is listed across regions',
      );
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toMatch(/^status is required/);
    });
  });
});
