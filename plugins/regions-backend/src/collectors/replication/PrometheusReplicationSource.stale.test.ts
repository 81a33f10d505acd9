import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { region } from '../../__testUtils__/region';
import {
  PrometheusLab,
  serveMetrics,
  startPrometheus,
  waitFor,
} from '../../testing/prometheusLab';
import { PrometheusReplicationSource } from './PrometheusReplicationSource';

/** What postgres_exporter shows of a primary with one streaming replica 4 KiB behind. */
const PRIMARY_METRICS = `pg_up 1
pg_replication_is_replica 0
pg_stat_replication_pg_wal_lsn_diff{application_name="studio_norte",state="streaming",sync_state="async"} 4096
`;

/**
 * A real Prometheus, served under a path as Thanos Query behind a gateway
 * is, scraping an exporter that the test kills: the source must see the
 * exporter's last values as stale, not as the current state, and must refuse
 * a selector that injects PromQL.
 */
describe('PrometheusReplicationSource against a real Prometheus under a path prefix', () => {
  jest.setTimeout(90_000);

  let prometheus: PrometheusLab;
  let exporter: Awaited<ReturnType<typeof serveMetrics>>;
  let source: PrometheusReplicationSource;
  const sul = region(
    'studio-sul',
    {},
    { annotations: { 'meridian.dev/prometheus-selector': '{node="sul"}' } },
  );
  const sample = (r = sul) =>
    source.sample(r, { signal: new AbortController().signal });

  beforeAll(async () => {
    exporter = await serveMetrics(PRIMARY_METRICS);
    prometheus = await startPrometheus(
      [
        {
          name: 'postgres',
          targets: [{ address: exporter.address, labels: { node: 'sul' } }],
        },
      ],
      { routePrefix: '/thanos-query' },
    );
    source = PrometheusReplicationSource.fromConfig(
      new ConfigReader({
        regions: {
          prometheus: { baseUrl: prometheus.url, scrapeInterval: '1s' },
        },
      }),
      { logger: mockServices.logger.mock() },
    )!;
    await waitFor(
      'the exporter scraped',
      async () => (await prometheus.query('pg_up{node="sul"}')).length > 0,
      prometheus.logs,
    );
  });

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
  });

  it('reads the replica lag through the prefixed base URL while the exporter is scraped', async () => {
    const observation = await sample();
    expect(observation.nodeRole).toBe('primary');
    expect(observation.replicas).toEqual([
      {
        name: 'studio_norte',
        state: 'streaming',
        syncState: 'async',
        lagBytes: 4096,
        lagSeconds: null,
      },
    ]);
  });

  it('refuses a selector that injects PromQL, which Prometheus would have answered', async () => {
    const hostile = '{a="b"} or vector(0)';
    // Prometheus answers the injected query: a fake, ever-fresh value.
    expect(await prometheus.query(`pg_up${hostile}`)).toHaveLength(1);
    await expect(
      sample(
        region(
          'studio-sul',
          {},
          { annotations: { 'meridian.dev/prometheus-selector': hostile } },
        ),
      ),
    ).rejects.toThrow(
      'region studio-sul: metadata.annotations.meridian.dev/prometheus-selector "{a=\\"b\\"} or vector(0)" is not a list of label matchers',
    );
  });

  it('reports the node as stale once its exporter stops answering, naming since when', async () => {
    await exporter.close();
    const killedAt = Date.now();
    let failure: Error | undefined;
    await waitFor(
      'the sample to fail as stale',
      async () => {
        failure = await sample().then(
          () => undefined,
          error => error as Error,
        );
        return failure !== undefined;
      },
      () => `last failure: ${failure?.message}`,
    );
    expect(failure!.message).toMatch(
      /pg_up\{node="sul"\} is stale since (\S+Z) \(last scraped \d+ s ago, more than twice the 1 s scrape interval\)/,
    );
    const since = Date.parse(/stale since (\S+Z)/.exec(failure!.message)![1]);
    // The last good scrape was before the exporter went away.
    expect(since).toBeLessThanOrEqual(killedAt);
  });
});
