import { eastWestDatabases } from '../../__testUtils__/labPair';
import { TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader, JsonObject } from '@backstage/config';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  usEastWestPair,
  US_EAST as EAST,
  US_WEST as WEST,
} from '../../__testUtils__/region';
import { readDatabaseNodes } from '../../bindings/databaseNodes';
import { PlanStore } from '../../database/PlanStore';
import { regionStreamedFrom } from '../../service/observedRoles';
import { PostgresPair, startPostgresPair } from '../../testing/postgresLab';
import {
  applicationWrite,
  createFailoverStack,
  inRecovery,
  writtenByTheApplication,
} from '../testing/failoverStack';
import { PlanNotifications } from './planNotifications';
import { PlanValidator } from './PlanValidator';

/*
 * The scheduled plan validation on a real PostgreSQL pair: what it records
 * for a healthy pair, a lost standby and a lost primary, whom it tells and
 * how often — and that it changes nothing on either node.
 */

jest.setTimeout(120_000);

const [usEast, usWest] = usEastWestPair();

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

async function setUp(pair: PostgresPair) {
  const knex = await databases.init('SQLITE_3');
  const config: JsonObject = {
    regions: {
      databases: eastWestDatabases(pair),
    },
  };
  const env = await createFailoverStack({
    knex,
    regions: [usEast, usWest],
    config,
  });
  const nodes = readDatabaseNodes(new ConfigReader(config));
  const plans = await PlanStore.create({
    database: { getClient: async () => knex },
  });
  const sent: Parameters<NotificationService['send']>[0][] = [];
  const validator = new PlanValidator({
    regions: env.regionsStore,
    replication: env.replicationStore,
    upstreamRegionOf: upstream => regionStreamedFrom(upstream, nodes),
    planner: env.planner,
    store: plans,
    notifier: new PlanNotifications({
      send: async notification => {
        sent.push(notification);
      },
    }),
    logger: env.logger,
  });
  const validate = async () => {
    await env.collector.run();
    await validator.run();
    return plans.listValidations();
  };
  return { env, plans, sent, validate };
}

const failing = (checks: { id: string; passed: boolean }[]) =>
  checks.filter(check => !check.passed).map(check => check.id);

describe('the plan validation on a real PostgreSQL pair', () => {
  let pair: PostgresPair;
  let close: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    pair = await startPostgresPair({ names: ['east', 'west'] });
    await writtenByTheApplication(pair.primary);
    await pair.waitForCatchUp();
  });
  afterEach(async () => {
    await close?.();
    await pair?.stop();
  });

  /** Nothing fenced, nothing promoted, no run recorded. */
  async function expectNothingChanged(env: {
    store: { listRuns(ref: string): Promise<unknown[]> };
  }) {
    expect(await applicationWrite(pair.primary)).toBe('committed');
    expect(await inRecovery(pair.standby)).toBe(true);
    expect(await env.store.listRuns(EAST)).toEqual([]);
  }

  it('records a healthy pair ok, a lost standby once as failing, its recovery once, and changes nothing', async () => {
    const { env, sent, validate } = await setUp(pair);
    close = env.close;

    const [healthy] = await validate();
    expect(healthy).toMatchObject({ region: EAST, target: WEST, ok: true });
    expect(healthy.since).toBe(healthy.validatedAt);
    expect(failing(healthy.checks)).toEqual([]);
    expect(sent).toEqual([]);
    await expectNothingChanged(env);

    await pair.stopNode(pair.standby);
    const [lost] = await validate();
    expect(lost).toMatchObject({ ok: false, since: lost.validatedAt });
    expect(failing(lost.checks)).toEqual(['target-healthy']);
    expect(await validate()).toEqual([
      expect.objectContaining({ ok: false, since: lost.since }),
    ]);
    expect(sent).toEqual([
      {
        recipients: { type: 'entity', entityRef: [EAST, WEST] },
        payload: {
          title: 'Failover plan us-east → us-west fails its pre-flight',
          description: expect.stringContaining(
            `would stop at its pre-flight (validated ${lost.validatedAt}): Target is a healthy standby: `,
          ),
          link: '/catalog/default/region/us-east/failovers',
          severity: 'high',
          topic: 'regions-plan',
          scope: `failover-plan:${EAST}:${WEST}`,
        },
      },
    ]);

    await pair.startNode(pair.standby);
    await pair.waitForStreaming();
    const [recovered] = await validate();
    expect(recovered).toMatchObject({ ok: true });
    expect(sent.map(n => [n.payload.title, n.payload.severity])).toEqual([
      ['Failover plan us-east → us-west fails its pre-flight', 'high'],
      ['Failover plan us-east → us-west passes again', 'normal'],
    ]);
    await expectNothingChanged(env);
  });

  it('records what the checks say of a primary that does not answer, and tells the owners at once', async () => {
    const { env, sent, validate } = await setUp(pair);
    close = env.close;
    await env.collector.run(); // the primary's last position, as a sample keeps it

    await pair.stopNode(pair.primary);
    const [lost] = await validate();
    // an emergency failover may go on without its primary, but only once a
    // fencer (none is configured) or the operator's word makes it safe
    expect(lost).toMatchObject({ region: EAST, target: WEST, ok: false });
    expect(failing(lost.checks)).toEqual(['fence']);
    expect(lost.checks.find(c => c.id === 'source-primary')).toMatchObject({
      passed: true,
      detail: expect.stringContaining('us-east-db does not answer'),
    });
    expect(sent.map(n => n.payload.title)).toEqual([
      'Failover plan us-east → us-west fails its pre-flight',
    ]);
    expect(await inRecovery(pair.standby)).toBe(true);
    expect(await env.store.listRuns(EAST)).toEqual([]);
  });
});
