import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { TopologyResponse } from '@meridian/plugin-regions-common';
import { region } from '../../__testUtils__/region';
import { RegionAlerts } from '../../alerts/RegionAlerts';
import { AlertStateStore } from '../../database/AlertStateStore';
import { DatabaseRegionsStore } from '../../database/DatabaseRegionsStore';
import { LinkLatencyStore } from '../../database/LinkLatencyStore';
import { createLatencyWithinTargetsCheck } from '../../readiness/checks/infrastructure';
import { topologyJson } from '../../service/topology';
import { findFreePort } from '../../testing/ports';
import {
  PrometheusLab,
  serveMetrics,
  startPrometheus,
  waitFor,
} from '../../testing/prometheusLab';
import { LatencyCollector } from './LatencyCollector';
import { PrometheusLinkLatency } from './PrometheusLinkLatency';

/*
 * Link latency as a blackbox exporter in each region would report it, scraped
 * by a real Prometheus: measured against the links' targets on the topology
 * and in readiness, with the owners told once when a link goes over its
 * target and once when it is back under it.
 */

jest.setTimeout(90_000);

const PRIMARY = 'region:default/studio-primary';
const SUL = 'region:default/studio-sul';
const NORDESTE = 'region:default/studio-nordeste';

const primary = region('studio-primary', { type: 'global-hub' });
const sul = region('studio-sul', {
  hub: PRIMARY,
  links: [{ to: PRIMARY, latencyTargetMs: 35, transport: 'wireguard' }],
});
const nordeste = region('studio-nordeste', {
  hub: PRIMARY,
  links: [{ to: PRIMARY, latencyTargetMs: 60 }],
});

/** What each region's blackbox exporter exposes, in the text format. */
const blackbox = (sulSeconds: number) =>
  [
    '# TYPE probe_duration_seconds gauge',
    `probe_duration_seconds{source_region="studio-sul",target_region="studio-primary"} ${sulSeconds}`,
    // a series the query answers but that names no region: skipped, said in the log
    'probe_duration_seconds{source_region="",target_region="studio-primary"} 0.5',
    '',
  ].join('\n');

describe('measured link latency through a real Prometheus', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let exporter: Awaited<ReturnType<typeof serveMetrics>>;
  let prometheus: PrometheusLab;

  beforeAll(async () => {
    exporter = await serveMetrics(blackbox(0.031));
    prometheus = await startPrometheus([
      { name: 'blackbox', targets: [{ address: exporter.address }] },
    ]);
  });
  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
  });

  /** Waits until Prometheus answers `seconds` for the studio-sul link. */
  async function scraped(seconds: number) {
    exporter.set(blackbox(seconds));
    await waitFor(
      `Prometheus scraping ${seconds} s`,
      async () =>
        (
          (await prometheus.query(
            'probe_duration_seconds{source_region="studio-sul"}',
          )) as { value: [number, string] }[]
        )[0]?.value[1] === String(seconds),
      prometheus.logs,
    );
  }

  it('compares each link with its target, and tells the owners once per change', async () => {
    const knex = await databases.init('SQLITE_3');
    const database = { getClient: async () => knex };
    const regions = await DatabaseRegionsStore.create({ database });
    await regions.replaceSnapshot({
      regions: [primary, sul, nordeste],
      conflicts: [],
      syncedAt: new Date(),
    });
    const store = await LinkLatencyStore.create({ database });
    const sent: Parameters<NotificationService['send']>[0][] = [];
    const logger = mockServices.logger.mock();
    const collector = new LatencyCollector({
      regions,
      store,
      logger,
      alerts: new RegionAlerts({
        states: await AlertStateStore.create({ database }),
        notifications: {
          send: async notification => void sent.push(notification),
        },
        logger,
      }),
      prometheus: new PrometheusLinkLatency({
        baseUrl: prometheus.url,
        query: 'probe_duration_seconds',
        fromLabel: 'source_region',
        toLabel: 'target_region',
        schedule: { frequency: { minutes: 1 }, timeout: { seconds: 30 } },
      }),
    });
    const linkOf = async (from: string) =>
      (
        JSON.parse(
          topologyJson(await regions.getSnapshot(), {
            replication: new Map(),
            linkLatency: await store.list(),
          }).toString('utf8'),
        ) as TopologyResponse
      ).edges.find(edge => edge.from === from && edge.kind === 'link')!;
    const check = createLatencyWithinTargetsCheck({ linkLatency: store });
    const readiness = async (entity = sul) =>
      check.evaluate({
        region: entity,
        regionRef: `region:default/${entity.metadata.name}`,
        regions: [primary, sul, nordeste],
        conflicts: [],
        syncedAt: new Date(),
        now: new Date(),
      } as any);

    await scraped(0.031);
    await collector.run(new AbortController().signal);
    expect((await linkOf(SUL)).latency).toEqual({
      targetMs: 35,
      measuredMs: 31,
      breached: false,
      source: 'prometheus',
      measuredAt: expect.any(String),
    });
    // nothing measures studio-nordeste's link: no verdict, no alarm
    expect((await linkOf(NORDESTE)).latency).toMatchObject({
      targetMs: 60,
      measuredMs: null,
      breached: false,
      source: null,
    });
    expect(await readiness()).toMatchObject({
      result: 'passed',
      evidence: `${PRIMARY} 31 ms (target 35 ms)`,
    });
    expect(await readiness(nordeste)).toMatchObject({ result: 'unknown' });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Link latency: 1 series skipped'),
    );
    expect(sent).toEqual([]);

    await scraped(0.052);
    await collector.run(new AbortController().signal);
    await collector.run(new AbortController().signal);
    expect((await linkOf(SUL)).latency).toMatchObject({
      measuredMs: 52,
      breached: true,
    });
    expect(await readiness()).toMatchObject({
      result: 'failed',
      evidence: `over target: ${PRIMARY} 52 ms (target 35 ms)`,
    });

    await scraped(0.03);
    await collector.run(new AbortController().signal);
    expect(sent.map(n => [n.payload.title, n.payload.description])).toEqual([
      [
        'Link studio-sul → studio-primary is over its latency target',
        '52 ms (prometheus), target 35 ms',
      ],
      [
        'Link studio-sul → studio-primary is within its latency target again',
        '30 ms (prometheus), target 35 ms',
      ],
    ]);
    expect(sent[0].recipients).toEqual({
      type: 'entity',
      entityRef: [SUL, PRIMARY],
    });
    await knex.destroy();
  });

  it('keeps the last measurements when Prometheus does not answer, and says why', async () => {
    const knex = await databases.init('SQLITE_3');
    const database = { getClient: async () => knex };
    const regions = await DatabaseRegionsStore.create({ database });
    await regions.replaceSnapshot({
      regions: [primary, sul],
      conflicts: [],
      syncedAt: new Date(),
    });
    const store = await LinkLatencyStore.create({ database });
    await store.replace('prometheus', [
      { from: SUL, to: PRIMARY, measuredMs: 20, measuredAt: new Date() },
    ]);
    const logger = mockServices.logger.mock();
    const collector = new LatencyCollector({
      regions,
      store,
      logger,
      alerts: new RegionAlerts({
        states: await AlertStateStore.create({ database }),
        notifications: { send: async () => {} },
        logger,
      }),
      prometheus: new PrometheusLinkLatency({
        baseUrl: `http://metrics:s3cret@127.0.0.1:${await findFreePort()}`,
        query: 'probe_duration_seconds',
        fromLabel: 'source_region',
        toLabel: 'target_region',
        schedule: { frequency: { minutes: 1 }, timeout: { seconds: 30 } },
      }),
    });

    await collector.run(new AbortController().signal);

    expect(await store.list()).toEqual([
      expect.objectContaining({ from: SUL, to: PRIMARY, measuredMs: 20 }),
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Could not read link latency: Error: Prometheus at http:\/\/127\.0\.0\.1:\d+: connection refused$/,
      ),
    );
    await knex.destroy();
  });
});
