import { TestDatabases } from '@backstage/backend-test-utils';
import { FailoverRun, RegionEntity } from '@meridian/plugin-regions-common';
import {
  region,
  usEastWestPair,
  US_EAST as EAST,
  US_WEST as WEST,
} from '../__testUtils__/region';
import {
  allowOnlyUsers,
  recordingAuditor,
  recordingNotifications,
  startRegionsTestBackend,
} from '../__testUtils__/regionsBackend';
import { useLabPair, eastWestDatabases } from '../__testUtils__/labPair';
import { CATALOG_SYNC_TASK_ID } from '../catalog/syncRegionsFromCatalog';
import { REPLICATION_COLLECTOR_TASK_ID } from '../collectors/replication/ReplicationCollector';

/*
 * The lifecycle routes through the plugin as the backend wires it: approve and
 * cancel a waiting run (another owner, audited, both regions' owners told),
 * and the fix of a region whose catalog entry says another role than its node.
 */

jest.setTimeout(120_000);

const STARTER = 'user:default/priya.nair';
const SECOND_OWNER = 'user:default/rafael.costa';
const STRANGER = 'user:default/lucas.lima';

const [usEast, usWest] = usEastWestPair();
/** us-west as a stale catalog says it after a failover that did not happen: primary. */
const usWestDeclaredPrimary = region(
  'us-west',
  { replication: { role: 'primary', mode: 'streaming' } },
  { annotations: { 'meridian.dev/database': 'us-west-db' } },
);

describe('lifecycle routes', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const lab = useLabPair();

  async function startRegionsBackend(entities: RegionEntity[]) {
    const { auditor, auditEvent } = recordingAuditor();
    const permissions = allowOnlyUsers([STARTER, SECOND_OWNER]);
    const notifications = recordingNotifications();
    const backend = await startRegionsTestBackend({
      knex: await databases.init('SQLITE_3'),
      entities,
      config: {
        regions: {
          databases: eastWestDatabases(lab()),
          readiness: { threshold: 0 },
          failover: { approvals: { drill: 1 } },
        },
      },
      features: [auditor.factory, permissions.factory, notifications.factory],
    });
    const { runTask } = backend;
    const sent = notifications.sent;
    await runTask(CATALOG_SYNC_TASK_ID);
    const post = (path: string, body: object, user = STARTER) =>
      backend.post(path, body, user);
    const get = (path: string) => backend.get(path, STARTER);
    const settled = async (id: string): Promise<FailoverRun> => {
      for (;;) {
        const res = await get(`/failovers/${id}`);
        if (!['pending', 'running'].includes(res.body.status)) {
          return res.body;
        }
        await new Promise(resolve => setTimeout(resolve, 20));
      }
    };
    return { post, get, settled, runTask, auditor, auditEvent, sent };
  }

  const drill = { region: EAST, target: WEST, mode: 'drill' };

  it('holds a run for a second owner, who approves it; its starter and a stranger cannot, and the owners are told', async () => {
    const { post, settled, auditor, sent } = await startRegionsBackend([
      usEast,
      usWest,
    ]);
    const started = await post('/failovers', drill);
    expect(started.status).toBe(202);
    const waiting = await settled(started.body.id);
    expect(waiting).toMatchObject({
      status: 'awaiting-approval',
      approvalsRequired: 1,
      approvals: [],
    });
    expect(sent).toEqual([
      {
        recipients: {
          type: 'entity',
          entityRef: [EAST, WEST],
          excludeEntityRef: STARTER,
        },
        payload: expect.objectContaining({
          title: 'Drill us-east → us-west waits for your approval',
          severity: 'high',
          topic: 'regions-failover',
          link: `/catalog/default/region/us-east/failovers?run=${waiting.id}`,
        }),
      },
    ]);

    const self = await post(`/failovers/${waiting.id}/approve`, {});
    expect([self.status, self.body.error?.message]).toEqual([
      409,
      expect.stringContaining(STARTER),
    ]);
    const stranger = await post(
      `/failovers/${waiting.id}/approve`,
      {},
      STRANGER,
    );
    expect(stranger.status).toBe(403);
    expect((await settled(waiting.id)).status).toBe('awaiting-approval');

    const approved = await post(
      `/failovers/${waiting.id}/approve`,
      {},
      SECOND_OWNER,
    );
    expect(approved.status).toBe(202);
    const done = await settled(waiting.id);
    expect(done).toMatchObject({
      status: 'succeeded',
      approvals: [{ by: SECOND_OWNER, at: expect.any(String) }],
    });
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'failover-approve',
        meta: expect.objectContaining({ runId: waiting.id }),
      }),
    );
    expect(sent.map(n => n.payload.title)).toEqual([
      'Drill us-east → us-west waits for your approval',
      'Drill us-east → us-west succeeded',
    ]);
  });

  it('cancels a waiting run for an owner, saying who, and tells the owners', async () => {
    const { post, settled, sent } = await startRegionsBackend([usEast, usWest]);
    const waiting = await settled((await post('/failovers', drill)).body.id);
    expect(
      (await post(`/failovers/${waiting.id}/cancel`, {}, STRANGER)).status,
    ).toBe(403);

    const cancelled = await post(`/failovers/${waiting.id}/cancel`, {});
    expect(cancelled.status).toBe(202);
    expect(await settled(waiting.id)).toMatchObject({
      status: 'cancelled',
      cancelledBy: STARTER,
    });
    expect(sent.map(n => n.payload.title)).toEqual([
      'Drill us-east → us-west waits for your approval',
      'Drill us-east → us-west cancelled',
    ]);
    const again = await post(
      `/failovers/${waiting.id}/approve`,
      {},
      SECOND_OWNER,
    );
    expect(again.status).toBe(409);
  });

  it('answers the change to make for a region defined elsewhere, and rewrites a landed one', async () => {
    const { post, get, runTask, auditor } = await startRegionsBackend([
      usEast,
      usWestDeclaredPrimary,
    ]);
    await runTask(REPLICATION_COLLECTOR_TASK_ID);
    const replication = await get('/regions/default/us-west/replication');
    expect(replication.body).toMatchObject({
      observedRole: 'standby',
      drift: { declared: 'primary', observed: 'standby' },
    });

    const inGit = await post('/regions/default/us-west/drift/fix', {});
    expect(inGit.status).toBe(409);
    expect(inGit.body.error.message).toBe(
      `region:default/us-west is not a region landed by the provisioning template: change its entity where it is defined, to:\nspec:\n  replication:\n    role: warm-standby\n    mode: streaming\n    source: ${EAST}\n`,
    );
    expect(
      (await post('/regions/default/us-west/drift/fix', {}, STRANGER)).status,
    ).toBe(403);

    expect(
      (await post('/landings', { entity: usWestDeclaredPrimary })).status,
    ).toBe(201);
    const fixed = await post('/regions/default/us-west/drift/fix', {});
    expect(fixed.status).toBe(200);
    const landed = (await get('/landings')).body.entities as RegionEntity[];
    expect(landed.map(e => e.spec.replication)).toEqual([
      { role: 'warm-standby', mode: 'streaming', source: EAST },
    ]);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'region-drift-fix',
        meta: { region: WEST },
      }),
    );
    const nothingLeft = await post('/regions/default/us-east/drift/fix', {});
    expect([nothingLeft.status, nothingLeft.body.error?.message]).toEqual([
      409,
      'region:default/us-east declares what its node says (primary): nothing to fix',
    ]);
  });
});
