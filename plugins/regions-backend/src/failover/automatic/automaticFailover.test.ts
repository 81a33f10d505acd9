import { startHealthEndpoint } from '../../__testUtils__/healthEndpoint';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationService,
  notificationService,
} from '@backstage/plugin-notifications-node';
import {
  AutomaticFailoverDecision,
  FailoverRun,
  PlanResponse,
} from '@meridian/plugin-regions-common';
import request from 'supertest';
import {
  usEastWestPair,
  US_EAST as EAST,
  US_WEST as WEST,
} from '../../__testUtils__/region';
import { regionsPlugin } from '../../plugin';
import {
  isAlive,
  PostgresPair,
  postmasterPid,
  startPostgresPair,
} from '../../testing/postgresLab';
import { inRecovery } from '../testing/failoverStack';
import { AUTOMATIC_FAILOVER_ACTOR } from './AutomaticFailover';

/*
 * The guarded automatic failover through the plugin as the backend wires it,
 * with the real scheduler, on a real PostgreSQL pair probed over HTTP: it
 * holds back while the database answers, only says what it would do in a dry
 * run, and, enabled, fails the frozen primary over after its fence command
 * killed it — and the owners hear of each decision once.
 */

jest.setTimeout(180_000);

const [usEast, usWest] = usEastWestPair();

describe('guarded automatic failover', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let pair: PostgresPair;
  beforeEach(async () => {
    pair = await startPostgresPair({ names: ['east', 'west'] });
  });
  afterEach(async () => {
    await pair?.stop();
  });

  async function startRegionsBackend(options: {
    probeUrl: string;
    dryRun: boolean;
    /** Whether us-east-db has a fence command (an out-of-band fencer). */
    fenceCommand?: boolean;
  }) {
    const sent: Parameters<NotificationService['send']>[0][] = [];
    const notifications = createServiceFactory({
      service: notificationService,
      deps: {},
      factory: () => ({
        send: async notice => {
          sent.push(notice);
        },
      }),
    });
    const fast = { frequency: { seconds: 1 }, initialDelay: { seconds: 0 } };
    const config: JsonObject = {
      regions: {
        databases: {
          'us-east-db': {
            regions: [EAST],
            connection: pair.primary.superuserConnectionString,
            // What a cloud CLI powering the host off does, for a lab node.
            ...(options.fenceCommand === false
              ? {}
              : {
                  fence: {
                    command: [
                      '/bin/sh',
                      '-c',
                      'pid=$(head -1 "$0/postmaster.pid"); pkill -KILL -P "$pid"; kill -KILL "$pid"',
                      pair.primary.dataDir,
                    ],
                    timeoutSeconds: 10,
                  },
                }),
          },
          'us-west-db': {
            regions: [WEST],
            connection: pair.standby.superuserConnectionString,
          },
        },
        probes: {
          'us-east-api': {
            url: options.probeUrl,
            region: EAST,
            interval: { seconds: 1 },
            timeoutMs: 500,
          },
        },
        readiness: { threshold: 0 },
        collectors: { catalog: fast, replication: fast },
        failover: {
          approvals: { failover: 1 },
          automatic: {
            enabled: true,
            dryRun: options.dryRun,
            regions: [EAST],
            consecutiveChecks: 2,
            frequency: { seconds: 1 },
          },
        },
      },
    };
    const backend = await startTestBackend({
      features: [
        regionsPlugin,
        mockServices.database.factory({
          knex: await databases.init('SQLITE_3'),
        }),
        catalogServiceMock.factory({ entities: [usEast, usWest] }),
        mockServices.rootConfig.factory({ data: config }),
        schedulerServiceFactory,
        notifications,
      ],
    });
    const get = (path: string) =>
      request(backend.server)
        .get(`/api/regions${path}`)
        .set('Authorization', mockCredentials.user.header());
    const decisions = async (): Promise<AutomaticFailoverDecision[]> => {
      const res = await get('/regions/default/us-east/plan');
      return (res.body as PlanResponse).automatic?.decisions ?? [];
    };
    const decisionNotices = () =>
      sent.filter(n => n.payload.topic === 'regions-automatic-failover');
    return { backend, get, decisions, decisionNotices };
  }

  /** Until the collector has sampled the primary's position, which the lag check compares with. */
  async function sampled(get: (path: string) => request.Test) {
    await eventually(
      async () => {
        const res = await get('/regions/default/us-east/replication');
        return (
          res.body.observedRole === 'primary' && res.body.replicas.length > 0
        );
      },
      {
        timeoutMs: 60_000,
        what: 'us-east sampled by the replication collector',
      },
    );
  }

  it('holds back while the database answers, and in a dry run only says it would fail over the frozen primary', async () => {
    const endpoint = await startHealthEndpoint();
    const { backend, get, decisions, decisionNotices } =
      await startRegionsBackend({ probeUrl: endpoint.url, dryRun: true });
    try {
      await sampled(get);
      await endpoint.stop();

      const [held] = await eventually(
        async () => {
          const found = await decisions();
          return found.length ? found : undefined;
        },
        { timeoutMs: 60_000, what: 'a held decision' },
      );
      expect(held).toMatchObject({
        region: EAST,
        target: WEST,
        action: 'held',
        runId: null,
        reason: expect.stringMatching(
          /^us-east-api \(.+\) failed 2\+ checks in a row, but region:default\/us-east's database still answers \(primary at [0-9A-F]+\/[0-9A-F]+\)$/,
        ),
      });

      pair.freeze(pair.primary);
      const latest = await eventually(
        async () => {
          const [newest] = await decisions();
          return newest?.action === 'would-start' ? newest : undefined;
        },
        { timeoutMs: 90_000, what: 'a would-start decision' },
      );
      expect(latest).toMatchObject({
        target: WEST,
        runId: null,
        reason: expect.stringMatching(
          /^would have failed over region:default\/us-east to region:default\/us-west, because us-east-api .* and its database does not answer \(dry run: nothing was changed\)$/,
        ),
      });
      // Each decision told once, to both regions' owners, though the policy ticks every second.
      await new Promise(resolve => setTimeout(resolve, 3_000));
      expect((await decisions()).map(d => d.action)).toEqual([
        'would-start',
        'held',
      ]);
      expect(
        decisionNotices().map(n => [n.payload.title, n.recipients]),
      ).toEqual([
        [
          'Meridian held back an automatic failover of us-east',
          { type: 'entity', entityRef: [EAST, WEST] },
        ],
        [
          'Meridian would have failed over us-east (dry run)',
          { type: 'entity', entityRef: [EAST, WEST] },
        ],
      ]);

      // Nothing changed: no run, the standby still replays, the primary lives.
      const runs = await get('/regions/default/us-east/failovers');
      expect(runs.body.runs).toEqual([]);
      expect(await inRecovery(pair.standby)).toBe(true);
      expect(postmasterPid(pair.primary.dataDir)).toBeDefined();
    } finally {
      pair.thaw(pair.primary);
      await backend.stop();
    }
  });

  it('enabled, fails a frozen primary over once its fence command killed it, without waiting for approvals', async () => {
    const endpoint = await startHealthEndpoint();
    const { backend, get, decisions, decisionNotices } =
      await startRegionsBackend({ probeUrl: endpoint.url, dryRun: false });
    try {
      await sampled(get);
      const primaryPid = postmasterPid(pair.primary.dataDir)!;
      await endpoint.stop();
      pair.freeze(pair.primary);

      const started = await eventually(
        async () =>
          (await decisions()).find(d => d.action === 'started') ?? undefined,
        { timeoutMs: 90_000, what: 'a started decision' },
      );
      expect(started).toMatchObject({
        region: EAST,
        target: WEST,
        runId: expect.any(String),
      });
      const run: FailoverRun = await eventually(
        async () => {
          const res = await get(`/failovers/${started.runId}`);
          return ['succeeded', 'failed', 'refused'].includes(res.body.status)
            ? res.body
            : undefined;
        },
        { timeoutMs: 90_000, what: 'the automatic run to end' },
      );
      expect(run).toMatchObject({
        status: 'succeeded',
        mode: 'failover',
        createdBy: AUTOMATIC_FAILOVER_ACTOR,
        approvalsRequired: 0,
      });

      // The databases: the old primary is gone, the standby takes writes.
      expect(isAlive(primaryPid)).toBe(false);
      expect(await inRecovery(pair.standby)).toBe(false);
      // The cooldown that follows is the run's sequel, not a new decision.
      await new Promise(resolve => setTimeout(resolve, 3_000));
      expect((await decisions()).map(d => d.action)).toEqual(['started']);
      expect(
        decisionNotices().map(n => [n.payload.title, n.payload.severity]),
      ).toEqual([
        ['Meridian started an automatic failover of us-east', 'critical'],
      ]);
    } finally {
      await backend.stop();
    }
  });

  it('never fails over a frozen primary that no fencer can fence: nobody is there to attest it is down', async () => {
    const endpoint = await startHealthEndpoint();
    const { backend, get, decisions } = await startRegionsBackend({
      probeUrl: endpoint.url,
      dryRun: false,
      fenceCommand: false,
    });
    try {
      await sampled(get);
      await endpoint.stop();
      pair.freeze(pair.primary);

      const held = await eventually(
        async () => {
          const [newest] = await decisions();
          return newest?.reason.includes('no standby passes')
            ? newest
            : undefined;
        },
        { timeoutMs: 90_000, what: 'a decision held for want of a fencer' },
      );
      expect(held).toMatchObject({ action: 'held', runId: null });
      expect(held.reason).toContain(
        'region:default/us-west: The old primary can be fenced: us-east-db does not answer and no fencer can fence it',
      );
      const runs = await get('/regions/default/us-east/failovers');
      expect(runs.body.runs).toEqual([]);
      expect(await inRecovery(pair.standby)).toBe(true);
    } finally {
      pair.thaw(pair.primary);
      await backend.stop();
    }
  });
});

/** Polls `found` until it gives a value, failing with `what` after the deadline. */
async function eventually<T>(
  found: () => Promise<T | undefined | false | 0>,
  { timeoutMs, what }: { timeoutMs: number; what: string },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await found();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`no ${what} within ${timeoutMs} ms`);
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}
