import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader, JsonObject } from '@backstage/config';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { RegionAlerts } from '../../alerts/RegionAlerts';
import { AlertStateStore } from '../../database/AlertStateStore';
import { ProbeStore } from '../../database/ProbeStore';
import {
  ChildEndpoint,
  Endpoint,
  refusedPort,
  startChildHttpEndpoint,
  startHttpEndpoint,
  startTcpEndpoint,
} from '../../testing/endpoints';
import { readProbesConfig } from './config';
import { HEALTH_NOTIFICATION_TOPIC, ProbeCollector } from './ProbeCollector';
import { RegionHealth } from './RegionHealth';

/*
 * The collector against real loopback servers: answering, slow, failing,
 * refusing, hanging, and a server in a child process frozen with SIGSTOP.
 */

jest.setTimeout(120_000);

const EAST = 'region:default/us-east';
const WEST = 'region:default/us-west';
const EU = 'region:default/eu-central';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('ProbeCollector', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const endpoints: Endpoint[] = [];
  afterAll(async () => {
    await Promise.all(endpoints.map(e => e.close()));
  });

  async function start<T extends Endpoint>(endpoint: Promise<T>) {
    const started = await endpoint;
    endpoints.push(started);
    return started;
  }

  async function collectorFor(probes: JsonObject) {
    const knex = await databases.init('SQLITE_3');
    const database = { getClient: async () => knex };
    const store = await ProbeStore.create({ database });
    const sent: Parameters<NotificationService['send']>[0][] = [];
    const alerts = new RegionAlerts({
      states: await AlertStateStore.create({ database }),
      notifications: { send: async n => void sent.push(n) },
      logger: mockServices.logger.mock(),
    });
    const definitions = readProbesConfig(
      new ConfigReader({ regions: { probes } }),
    );
    const collector = new ProbeCollector({
      probes: definitions,
      store,
      alerts,
      logger: mockServices.logger.mock(),
    });
    const health = new RegionHealth({ probes: definitions, store });
    // every probe is due again half a tick (1 s) after its last check
    const round = async () => {
      await sleep(600);
      return collector.run();
    };
    return { collector, health, sent, round };
  }

  it('tells up, slow, failing, refused and hanging endpoints apart, and notifies each down once', async () => {
    const ok = await start(startHttpEndpoint((_req, res) => res.end('ok')));
    const slow = await start(
      startHttpEndpoint((_req, res) => {
        setTimeout(() => res.end('late'), 600);
      }),
    );
    const failing = await start(
      startHttpEndpoint((_req, res) => {
        res.statusCode = 503;
        res.end('unavailable');
      }),
    );
    // accepts, never answers
    const hung = await start(startHttpEndpoint(() => {}));
    const tcp = await start(startTcpEndpoint());
    const refused = await refusedPort();

    const every = { interval: { seconds: 1 }, latencyThresholdMs: 1500 };
    const { collector, health, sent, round } = await collectorFor({
      'east-api': { ...every, url: `${ok.url}/healthz`, region: EAST },
      'east-db': { ...every, url: tcp.url, region: EAST },
      'west-api': { ...every, url: failing.url, region: WEST },
      'west-db': {
        ...every,
        url: `tcp://127.0.0.1:${refused}`,
        region: WEST,
      },
      'eu-api': {
        ...every,
        url: slow.url,
        region: EU,
        latencyThresholdMs: 100,
        timeoutMs: 5000,
      },
      'eu-hung': { ...every, url: hung.url, region: EU, timeoutMs: 500 },
    });

    const first = await collector.run();
    expect(first).toHaveLength(6);

    const afterOne = await health.regionHealth(WEST, '1h');
    expect(afterOne.status).toBe('degraded');
    expect(afterOne.probes.map(p => [p.name, p.status, p.reason])).toEqual([
      [
        'west-api',
        'degraded',
        '1 failed check in a row (down at 3): answered 503, expected 2xx',
      ],
      [
        'west-db',
        'degraded',
        '1 failed check in a row (down at 3): connection refused',
      ],
    ]);

    await round();
    await round();
    expect(sent).toHaveLength(3);
    await round();

    const east = await health.regionHealth(EAST, '1h');
    expect(east).toMatchObject({ status: 'up', reason: '2 of 2 probes up' });
    expect(east.probes[0]).toMatchObject({
      name: 'east-api',
      kind: 'http',
      target: `${ok.url}/healthz`,
      status: 'up',
      consecutiveFailures: 0,
      errorRate: 0,
      lastError: null,
    });
    expect(east.probes[0].latencyMs).toEqual(expect.any(Number));
    expect(east.probes[1]).toMatchObject({ kind: 'tcp', status: 'up' });
    expect(east.series[0].points.reduce((n, p) => n + p.checks, 0)).toBe(4);

    const west = await health.regionHealth(WEST, '1h');
    expect(west.status).toBe('down');
    expect(west.reason).toBe(
      '2 of 2 probes down: west-api (answered 503, expected 2xx), west-db (connection refused)',
    );
    expect(west.probes[0]).toMatchObject({
      status: 'down',
      consecutiveFailures: 4,
      latencyMs: null,
      errorRate: 1,
    });

    const eu = await health.regionProbes(EU);
    expect(eu[0].status).toBe('degraded');
    expect(eu[0].reason).toMatch(
      /^answered in \d+(\.\d)? ms, over its 100 ms threshold$/,
    );
    expect(eu[1]).toMatchObject({
      status: 'down',
      lastError: 'no answer within 500 ms',
    });
    expect((await health.regionHealth(EU, '24h')).reason).toBe(
      '1 of 2 probes down: eu-hung (no answer within 500 ms)',
    );

    // down after the third failed check, each told once, not per round
    expect(
      sent.map(n => [n.payload.title, n.payload.topic, n.recipients]),
    ).toEqual([
      [
        'Probe west-api of us-west is down',
        HEALTH_NOTIFICATION_TOPIC,
        { type: 'entity', entityRef: [WEST] },
      ],
      [
        'Probe west-db of us-west is down',
        HEALTH_NOTIFICATION_TOPIC,
        { type: 'entity', entityRef: [WEST] },
      ],
      [
        'Probe eu-hung of eu-central is down',
        HEALTH_NOTIFICATION_TOPIC,
        { type: 'entity', entityRef: [EU] },
      ],
    ]);
    expect(sent[2].payload.severity).toBe('critical');
  });

  it('takes a frozen server (SIGSTOP) down after failuresToDown checks and back up with one notification', async () => {
    const server: ChildEndpoint = await start(startChildHttpEndpoint());
    const { collector, health, sent, round } = await collectorFor({
      'east-api': {
        url: server.url,
        region: EAST,
        interval: { seconds: 1 },
        timeoutMs: 500,
        latencyThresholdMs: 1500,
      },
    });
    await round();
    expect((await health.regionProbes(EAST))[0].status).toBe('up');
    // checked once per interval: right after a round it is not due
    expect(await collector.run()).toEqual([]);

    server.freeze();
    try {
      await round();
      await round();
      const failing = (await health.regionProbes(EAST))[0];
      expect(failing).toMatchObject({
        status: 'degraded',
        consecutiveFailures: 2,
        lastError: 'no answer within 500 ms',
      });
      expect(sent).toEqual([]);
      await round();
      expect(await health.regionHealth(EAST, '1h')).toMatchObject({
        status: 'down',
        reason: '1 of 1 probes down: east-api (no answer within 500 ms)',
      });
      await round();
    } finally {
      server.thaw();
    }
    expect(sent.map(n => n.payload.title)).toEqual([
      'Probe east-api of us-east is down',
    ]);

    await round();
    const recovered = (await health.regionProbes(EAST))[0];
    expect(recovered).toMatchObject({ status: 'up', consecutiveFailures: 0 });
    expect(recovered.errorRate).toBeCloseTo(4 / 6);
    await round();
    expect(sent.map(n => n.payload.title)).toEqual([
      'Probe east-api of us-east is down',
      'Probe east-api of us-east is up again',
    ]);
  });
});
