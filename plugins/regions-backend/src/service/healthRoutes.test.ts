import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationService,
  notificationService,
} from '@backstage/plugin-notifications-node';
import {
  HealthResponse,
  ReadinessResponse,
  TopologyResponse,
} from '@meridian/plugin-regions-common';
import request from 'supertest';
import { region } from '../__testUtils__/region';
import { CATALOG_SYNC_TASK_ID } from '../catalog/syncRegionsFromCatalog';
import { LATENCY_COLLECTOR_TASK_ID } from '../collectors/latency/LatencyCollector';
import { PROBE_COLLECTOR_TASK_ID } from '../collectors/probes/ProbeCollector';
import { regionsPlugin } from '../plugin';
import { READINESS_EVALUATION_TASK_ID } from '../readiness/config';
import { Endpoint, startHttpEndpoint } from '../testing/endpoints';

/*
 * The health route, the health-probes readiness check and the probes'
 * latency on the topology, through the plugin as the backend wires it,
 * against a real HTTP server.
 */

jest.setTimeout(120_000);

const EAST = 'region:default/us-east';
const WEST = 'region:default/us-west';
const usEast = region('us-east', {
  userLatencyTargetMs: 5000,
  // any measured latency is over it
  links: [{ to: WEST, latencyTargetMs: 0 }],
});
const usWest = region('us-west');

function checkOf(readiness: ReadinessResponse, id: string) {
  return readiness.categories
    .flatMap(category => category.checks)
    .find(check => check.id === id);
}

describe('the health route', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let server: Endpoint;
  const authorizations: (string | undefined)[] = [];
  beforeAll(async () => {
    server = await startHttpEndpoint((req, res) => {
      authorizations.push(req.headers.authorization);
      res.end('ok');
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function startRegionsBackend(regionsConfig: JsonObject) {
    const knex = await databases.init('SQLITE_3');
    const scheduler = mockServices.scheduler.mock();
    const sent: Parameters<NotificationService['send']>[0][] = [];
    const notifications = createServiceFactory({
      service: notificationService,
      deps: {},
      factory: () => ({ send: async options => void sent.push(options) }),
    });
    const { server: backend } = await startTestBackend({
      features: [
        regionsPlugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: [usEast, usWest] }),
        mockServices.rootConfig.factory({ data: { regions: regionsConfig } }),
        scheduler.factory,
        notifications,
      ],
    });
    const taskOf = (id: string) =>
      scheduler.scheduleTask.mock.calls.find(([t]) => t.id === id)?.[0];
    const runTask = (id: string) =>
      taskOf(id)!.fn(new AbortController().signal);
    await runTask(CATALOG_SYNC_TASK_ID);
    const get = (path: string) =>
      request(backend)
        .get(`/api/regions${path}`)
        .set('Authorization', mockCredentials.user.header());
    return { get, runTask, taskOf, sent };
  }

  it('answers the probes of a region without their credentials, with readiness and topology from them', async () => {
    const url = new URL(server.url);
    url.username = 'probe';
    url.password = 's3cret';
    url.pathname = '/healthz';
    url.search = '?token=t0ken';
    const { get, runTask, taskOf, sent } = await startRegionsBackend({
      readiness: { threshold: 0 },
      probes: {
        'us-east-api': {
          url: url.toString(),
          region: EAST,
          interval: { seconds: 5 },
          latencyThresholdMs: 5000,
        },
        'us-east-from-west': {
          url: server.url,
          region: EAST,
          from: WEST,
          interval: { seconds: 30 },
          latencyThresholdMs: 5000,
        },
      },
    });
    expect(taskOf(PROBE_COLLECTOR_TASK_ID)).toMatchObject({
      frequency: { milliseconds: 5000 },
      scope: 'global',
    });
    // no Prometheus: the latency task runs for the probes with `from`
    expect(taskOf(LATENCY_COLLECTOR_TASK_ID)).toMatchObject({
      frequency: { minutes: 1 },
    });

    const before: HealthResponse = (
      await get('/regions/default/us-east/health')
    ).body;
    expect(before).toMatchObject({ status: 'unknown', window: '24h' });
    expect(before.probes.map(p => [p.name, p.reason])).toEqual([
      ['us-east-api', 'not checked yet'],
      ['us-east-from-west', 'not checked yet'],
    ]);

    await runTask(PROBE_COLLECTOR_TASK_ID);
    // the credentials travel as basic auth, never in what is shown
    expect(authorizations).toContain(
      `Basic ${Buffer.from('probe:s3cret').toString('base64')}`,
    );
    const answer = await get('/regions/default/us-east/health?window=1h');
    expect(answer.status).toBe(200);
    const health: HealthResponse = answer.body;
    expect(health).toMatchObject({
      region: EAST,
      status: 'up',
      reason: '2 of 2 probes up',
      window: '1h',
    });
    expect(health.probes[0]).toMatchObject({
      name: 'us-east-api',
      kind: 'http',
      target: `${server.url}/healthz?token=…`,
      status: 'up',
      errorRate: 0,
      failuresToDown: 3,
    });
    expect(health.probes[1]).toMatchObject({ from: WEST, status: 'up' });
    expect(health.series.map(s => [s.probe, s.points.length])).toEqual([
      ['us-east-api', 1],
      ['us-east-from-west', 1],
    ]);
    expect(answer.text).not.toContain('s3cret');
    expect(answer.text).not.toContain('t0ken');

    await runTask(READINESS_EVALUATION_TASK_ID);
    const readiness: ReadinessResponse = (
      await get('/regions/default/us-east/readiness')
    ).body;
    expect(checkOf(readiness, 'health-probes')).toMatchObject({
      result: 'passed',
      evidence: '2 of 2 probes up',
    });
    const westReadiness: ReadinessResponse = (
      await get('/regions/default/us-west/readiness')
    ).body;
    expect(checkOf(westReadiness, 'health-probes')).toMatchObject({
      result: 'failed',
      evidence: `no probe of regions.probes checks ${WEST}`,
    });

    await runTask(LATENCY_COLLECTOR_TASK_ID);
    const topology: TopologyResponse = (await get('/topology')).body;
    const east = topology.regions.find(r => r.ref === EAST)!;
    expect(east.health).toEqual({ status: 'up', reason: '2 of 2 probes up' });
    expect(east.userLatency).toMatchObject({
      targetMs: 5000,
      measuredMs: expect.any(Number),
      breached: false,
      source: 'probes',
    });
    const link = topology.edges.find(
      e => e.kind === 'link' && e.from === EAST && e.to === WEST,
    );
    // measured from us-west to us-east: a round trip stands for both ways
    expect(link?.latency).toMatchObject({
      targetMs: 0,
      measuredMs: expect.any(Number),
      breached: true,
      source: 'probes',
    });
    expect(
      sent.map(n => [n.payload.title, n.payload.topic, n.recipients]),
    ).toEqual([
      [
        'Link us-east → us-west is over its latency target',
        'regions-latency',
        { type: 'entity', entityRef: [EAST, WEST] },
      ],
    ]);
  });

  it('answers 404 for a region not in the catalog and 400 for an unknown window', async () => {
    const { get } = await startRegionsBackend({});
    expect((await get('/regions/default/nowhere/health')).status).toBe(404);
    expect(
      (await get('/regions/default/us-east/health?window=2d')).body.error
        .message,
    ).toBe('window "2d" is not one of 1h, 24h, 7d, 30d');
    expect((await get('/regions/default/us-east/health')).body).toMatchObject({
      status: 'unknown',
      reason: 'no probe checks this region (configure regions.probes)',
      probes: [],
      series: [],
    });
  });
});
