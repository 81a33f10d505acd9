import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { Knex } from 'knex';
import request from 'supertest';
import { usEastWestPair } from '../__testUtils__/region';
import {
  allowOnlyUsers,
  recordingAuditor,
  startRegionsTestBackend,
} from '../__testUtils__/regionsBackend';
import { useLabPair, eastWestDatabases } from '../__testUtils__/labPair';
import { CATALOG_SYNC_TASK_ID } from '../catalog/syncRegionsFromCatalog';
import { REPLICATION_COLLECTOR_TASK_ID } from '../collectors/replication/ReplicationCollector';

jest.setTimeout(120_000);

const OWNER = 'user:default/priya.nair';
const OTHER = 'user:default/lucas.lima';

const [usEast, usWest] = usEastWestPair({
  type: 'global-hub',
  owner: 'group:default/payments-team',
  westReplication: { rpoSeconds: 60, rtoSeconds: 300 },
});

describe('regions actions', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  const lab = useLabPair();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    beforeEach(async () => {
      knex = await databases.init(databaseId);
    });

    async function startRegionsBackend(settings: {
      readinessThreshold: number;
    }) {
      const { auditor, auditEvent } = recordingAuditor();
      // Stands in for the portal's policy: the payments team's member owns the regions.
      const permissions = allowOnlyUsers([OWNER]);
      const { server, runTask, get } = await startRegionsTestBackend({
        knex,
        entities: [usEast, usWest],
        config: {
          app: { baseUrl: 'http://localhost:3000' },
          regions: {
            databases: eastWestDatabases(lab()),
            readiness: { threshold: settings.readinessThreshold },
          },
        },
        features: [
          actionsRegistryServiceMock.factory(),
          auditor.factory,
          permissions.factory,
        ],
      });
      await runTask(CATALOG_SYNC_TASK_ID);
      await runTask(REPLICATION_COLLECTOR_TASK_ID);
      // As the MCP actions backend calls them: the plugin's actions endpoint.
      const invoke = (action: string, input: object, user = OWNER) =>
        request(server)
          .post(`/api/regions/.backstage/actions/v1/actions/${action}/invoke`)
          .set('Authorization', mockCredentials.user.header(user))
          .send(input);
      const list = () =>
        request(server)
          .get('/api/regions/.backstage/actions/v1/actions')
          .set('Authorization', mockCredentials.user.header(OWNER));
      return {
        invoke,
        list,
        get: (path: string) => get(path, OWNER),
        auditEvent,
      };
    }

    it('answers the takeover status of a streaming standby, the readiness gate named as the blocking fact', async () => {
      const { invoke } = await startRegionsBackend({ readinessThreshold: 94 });

      const res = await invoke('regions:get-region-takeover-status', {
        region: 'us-west',
      });

      expect(res.status).toBe(200);
      const status = res.body.output;
      expect(status.region).toBe('region:default/us-west');
      expect(status.replication).toMatchObject({
        role: 'warm-standby',
        source: 'region:default/us-east',
        status: 'ok',
        rpoSeconds: 60,
      });
      expect(status.replication.lagBytes).toBeGreaterThanOrEqual(0);
      expect(status.replication.lagSeconds).toBeGreaterThanOrEqual(0);
      expect(Date.parse(status.replication.sampledAt)).toBeGreaterThan(
        Date.now() - 60_000,
      );
      expect(status.readiness.threshold).toBe(94);
      expect(status.readiness.ready).toBe(false);
      expect(status.readiness.score).toBeLessThan(94);
      expect(status.readiness.notPassed).toContainEqual(
        expect.objectContaining({
          id: 'recent-drill',
          result: 'failed',
          evidence: expect.stringContaining(
            'no successful drill, switchover or detected failover involving the region',
          ),
        }),
      );
      expect(status.canTakeOver).toBe(false);
      expect(status.verdict).toMatch(
        /^us-west cannot take over: readiness \d+(\.\d)? < threshold 94 \(failed: .*Drill or switchover within RTO in the last 90 days/,
      );
      expect(status.verdict).not.toMatch(/replication/);
      expect(status.lastDrillOrSwitchover).toBeNull();
      expect(JSON.stringify(status)).not.toContain(
        new URL(lab().primary.superuserConnectionString).password,
      );
    });

    it('says a ready standby can take over, and that a primary cannot', async () => {
      const { invoke } = await startRegionsBackend({ readinessThreshold: 0 });

      const west = (
        await invoke('regions:get-region-takeover-status', {
          region: 'region:default/us-west',
        })
      ).body.output;
      const east = (
        await invoke('regions:get-region-takeover-status', {
          region: 'us-east',
        })
      ).body.output;

      expect(west.canTakeOver).toBe(true);
      expect(west.verdict).toMatch(
        /^us-west can take over: warm-standby of region:default\/us-east, replication ok \(lag \d+(\.\d+)? (B|KiB), \d+(\.\d+)? s against RPO 60 s, sampled .+\), readiness \d+(\.\d)? ≥ threshold 0$/,
      );
      expect(east.canTakeOver).toBe(false);
      expect(east.verdict).toBe(
        'us-east cannot take over: its node is a primary, not a standby (it declares primary)',
      );
    });

    it('answers 404 naming an unknown region, and 400 for a ref of another kind', async () => {
      const { invoke } = await startRegionsBackend({ readinessThreshold: 94 });

      const unknown = await invoke('regions:get-region-takeover-status', {
        region: 'us-north',
      });
      const component = await invoke('regions:get-region-takeover-status', {
        region: 'component:default/us-west',
      });

      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toBe(
        'region "us-north" (region:default/us-north) is not a region in the catalog',
      );
      expect(component.status).toBe(400);
      expect(component.body.error.message).toBe(
        'region "component:default/us-west" is a component, not a Region',
      );
    });

    it('runs a drill for an owner and answers its pre-flight checks, then the run and the takeover status show it', async () => {
      const { invoke } = await startRegionsBackend({ readinessThreshold: 0 });

      const res = await invoke('regions:start-region-failover', {
        region: 'us-east',
        target: 'us-west',
        mode: 'drill',
      });

      expect(res.status).toBe(200);
      const started = res.body.output;
      expect(started).toMatchObject({
        status: 'succeeded',
        summary:
          'drill of region:default/us-east to region:default/us-west succeeded: every pre-flight check passed, nothing was changed',
        follow: {
          api: `/api/regions/failovers/${started.runId}`,
          page: 'http://localhost:3000/catalog/default/region/us-east/failovers',
        },
      });
      expect(started.preflight.map((c: { id: string }) => c.id)).toEqual(
        expect.arrayContaining(['target-healthy', 'lag']),
      );
      expect(
        started.preflight.every(
          (c: { passed: boolean; detail: string }) => c.passed && c.detail,
        ),
      ).toBe(true);

      const run = (
        await invoke('regions:get-failover-run', { runId: started.runId })
      ).body.output;
      expect(run).toMatchObject({
        id: started.runId,
        mode: 'drill',
        status: 'succeeded',
        createdBy: OWNER,
        region: 'region:default/us-east',
        target: 'region:default/us-west',
      });
      expect(run.steps[0]).toMatchObject({
        id: 'preflight',
        status: 'succeeded',
      });
      const status = (
        await invoke('regions:get-region-takeover-status', {
          region: 'us-west',
        })
      ).body.output;
      expect(status.lastDrillOrSwitchover).toMatchObject({
        runId: started.runId,
        mode: 'drill',
        finishedAt: run.finishedAt,
      });
      expect(
        (await invoke('regions:get-failover-run', { runId: 'nope' })).status,
      ).toBe(404);
    });

    it('refuses a drill to a user who may not run it, with the route’s message, and records nothing', async () => {
      const { invoke, get, auditEvent } = await startRegionsBackend({
        readinessThreshold: 0,
      });

      const res = await invoke(
        'regions:start-region-failover',
        { region: 'us-east', target: 'us-west', mode: 'drill' },
        OTHER,
      );

      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        "you may not run a failover of region:default/us-east and region:default/us-west: it needs the permission regions.failover.run on both regions (given to the regions' owners)",
      );
      expect(auditEvent.fail).toHaveBeenCalled();
      expect((await get('/regions/default/us-east/failovers')).body).toEqual({
        runs: [],
      });
    });

    it('lists start-region-failover as destructive and the status actions as read-only', async () => {
      const { list } = await startRegionsBackend({ readinessThreshold: 94 });

      const { actions } = (await list()).body;

      const attributes = Object.fromEntries(
        actions.map((a: { id: string; attributes: object }) => [
          a.id,
          a.attributes,
        ]),
      );
      expect(attributes).toEqual({
        'regions:get-region-takeover-status': {
          destructive: false,
          readOnly: true,
          idempotent: true,
        },
        'regions:start-region-failover': {
          destructive: true,
          readOnly: false,
          idempotent: false,
        },
        'regions:get-failover-run': {
          destructive: false,
          readOnly: true,
          idempotent: true,
        },
      });
    });
  });
});
