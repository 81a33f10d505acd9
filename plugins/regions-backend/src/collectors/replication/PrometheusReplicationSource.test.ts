import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ConfigReader, JsonObject } from '@backstage/config';
import { ReplicationObservation } from '@meridian/plugin-regions-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { delay, http, HttpResponse, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { region } from '../../__testUtils__/region';
import { PostgresPair, startPostgresPair } from '../../testing/postgresLab';
import { findFreePort } from '../../testing/ports';
import {
  ChildProcesses,
  PrometheusLab,
  ScrapeJob,
  startPrometheus,
  waitFor,
} from '../../testing/prometheusLab';
import { PostgresReplicationSource } from './PostgresReplicationSource';
import { PrometheusReplicationSource } from './PrometheusReplicationSource';

const EXPORTER_BIN = '/usr/bin/prometheus-postgres-exporter';

const regionSelecting = (name: string, selector?: string) =>
  region(
    name,
    {},
    selector
      ? { annotations: { 'meridian.dev/prometheus-selector': selector } }
      : {},
  );

function sourceFor(prometheus: JsonObject) {
  return PrometheusReplicationSource.fromConfig(
    new ConfigReader({ regions: { prometheus } }),
    { logger: mockServices.logger.mock() },
  )!;
}

/** The `pg_replication` query postgres_exporter before 0.13 needs, as in the README. */
const PG_REPLICATION_QUERY = `pg_replication:
  query: |
    SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0
                ELSE GREATEST(0, EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())) END AS lag,
           CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END AS is_replica
  master: true
  metrics:
    - lag: { usage: GAUGE, description: "Seconds since the last replayed transaction (0 on a primary)" }
    - is_replica: { usage: GAUGE, description: "1 in recovery, 0 on a primary" }
`;

const noSignal = () => new AbortController().signal;

describe('PrometheusReplicationSource against Prometheus-shaped answers', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const BASE_URL = 'http://scraper:hunter2@prometheus.test:9090';
  const QUERY_URL = 'http://prometheus.test:9090/api/v1/query';
  const SELECTOR = '{instance="10.16.0.10:9187"}';
  const sulRegion = regionSelecting('studio-sul', SELECTOR);

  type Series = [labels: Record<string, string>, value: string];

  /**
   * Answers each range query (`metric{...}[600s]`) with the series of the
   * metric it starts with, as Prometheus 2.x would, each last scraped
   * `ageSeconds` ago.
   */
  function prometheusWith(
    seriesByMetric: Record<string, Series[]>,
    ageSeconds = 1,
  ) {
    const queries: string[] = [];
    const authorizations: (string | null)[] = [];
    server.use(
      http.post(QUERY_URL, async ({ request }) => {
        const query = new URLSearchParams(await request.text()).get('query')!;
        queries.push(query);
        authorizations.push(request.headers.get('authorization'));
        const metric = /^\w+/.exec(query)![0];
        return HttpResponse.json({
          status: 'success',
          data: {
            resultType: 'matrix',
            result: (seriesByMetric[metric] ?? []).map(([labels, value]) => ({
              metric: { __name__: metric, ...labels },
              values: [[Date.now() / 1000 - ageSeconds, value]],
            })),
          },
        });
      }),
    );
    return { queries, authorizations };
  }

  const node = { instance: '10.16.0.10:9187', job: 'postgres' };
  const primaryWithTwoReplicas: Record<string, Series[]> = {
    pg_up: [[node, '1']],
    pg_replication_is_replica: [[node, '0']],
    pg_stat_replication_pg_wal_lsn_diff: [
      [
        {
          ...node,
          application_name: 'studio_sul',
          client_addr: '10.16.0.11',
          state: 'streaming',
          sync_state: 'async',
        },
        '0',
      ],
      [
        {
          ...node,
          application_name: 'studio_norte',
          client_addr: '10.17.0.11',
          state: 'catchup',
          sync_state: 'async',
        },
        '1048576',
      ],
    ],
  };

  it('observes regions with a selector from their annotation or from config, and no others', () => {
    const source = sourceFor({
      baseUrl: BASE_URL,
      selectors: { 'studio-norte': '{server="studio-norte-db"}' },
    });
    expect(source.id).toBe('prometheus');
    expect(source.observes(sulRegion)).toBe(true);
    expect(source.observes(regionSelecting('studio-norte'))).toBe(true);
    expect(source.observes(regionSelecting('studio-leste'))).toBe(false);
    expect(
      PrometheusReplicationSource.fromConfig(new ConfigReader({}), {
        logger: mockServices.logger.mock(),
      }),
    ).toBeUndefined();
  });

  it('reports a primary with one row per replica, its byte lag and state, sending credentials as basic auth', async () => {
    const { queries, authorizations } = prometheusWith(primaryWithTwoReplicas);

    const observation = await sourceFor({ baseUrl: BASE_URL }).sample(
      sulRegion,
      { signal: noSignal() },
    );

    expect(observation).toEqual<ReplicationObservation>({
      sampledAt: expect.any(Date),
      nodeRole: 'primary',
      replicas: [
        {
          name: 'studio_norte',
          state: 'catchup',
          syncState: 'async',
          lagBytes: 1048576,
          lagSeconds: null,
        },
        {
          name: 'studio_sul',
          state: 'streaming',
          syncState: 'async',
          lagBytes: 0,
          lagSeconds: 0,
        },
      ],
    });
    expect(queries).toContain(`pg_up${SELECTOR}[600s]`);
    expect(authorizations).toEqual(
      queries.map(
        () => `Basic ${Buffer.from('scraper:hunter2').toString('base64')}`,
      ),
    );
  });

  it('uses the config selector when the region has no annotation', async () => {
    const { queries } = prometheusWith(primaryWithTwoReplicas);
    await sourceFor({
      baseUrl: BASE_URL,
      selectors: { 'studio-norte': '{server="studio-norte-db"}' },
    }).sample(regionSelecting('studio-norte'), { signal: noSignal() });
    expect(queries).toContain('pg_up{server="studio-norte-db"}[600s]');
  });

  it('reports a primary with no replicas attached as having none', async () => {
    prometheusWith({
      ...primaryWithTwoReplicas,
      pg_stat_replication_pg_wal_lsn_diff: [],
    });
    const observation = await sourceFor({ baseUrl: BASE_URL }).sample(
      sulRegion,
      { signal: noSignal() },
    );
    expect(observation.nodeRole).toBe('primary');
    expect(observation.replicas).toEqual([]);
  });

  it('reports a standby from the newer exporter as caught up when its lag is 0', async () => {
    prometheusWith({
      pg_up: [[node, '1']],
      pg_replication_is_replica: [[node, '1']],
      pg_replication_lag_seconds: [[node, '0']],
    });
    const observation = await sourceFor({ baseUrl: BASE_URL }).sample(
      sulRegion,
      { signal: noSignal() },
    );
    expect(observation).toMatchObject({
      nodeRole: 'standby',
      replicas: [],
      standby: { lastReplayAgeSeconds: 0, caughtUp: true },
    });
  });

  it('reports a standby from an older exporter by its replay age, never claiming it caught up', async () => {
    prometheusWith({
      pg_up: [[node, '1']],
      pg_replication_is_replica: [[node, '1']],
      pg_replication_lag: [[node, '12.5']],
    });
    const observation = await sourceFor({ baseUrl: BASE_URL }).sample(
      sulRegion,
      { signal: noSignal() },
    );
    expect(observation.standby).toMatchObject({
      lastReplayAgeSeconds: 12.5,
      caughtUp: false,
    });
  });

  describe('fails with a reason a user can read, never showing the password', () => {
    async function failureOf(
      prometheus: JsonObject = { baseUrl: BASE_URL },
      signal = noSignal(),
    ): Promise<string> {
      const error = await sourceFor(prometheus)
        .sample(sulRegion, { signal })
        .then(
          () => undefined,
          e => e as Error,
        );
      expect(error).toBeInstanceOf(Error);
      expect(error!.message).not.toContain('hunter2');
      expect(error!.message).not.toContain('scraper');
      return error!.message;
    }

    it('when no series match the selector', async () => {
      prometheusWith({});
      expect(await failureOf()).toBe(
        `Prometheus at http://prometheus.test:9090: no series match pg_up${SELECTOR}`,
      );
    });

    it('when the node series were last scraped more than two scrape intervals ago', async () => {
      prometheusWith(primaryWithTwoReplicas, 45);
      await expect(
        sourceFor({ baseUrl: BASE_URL, scrapeInterval: '15s' }).sample(
          sulRegion,
          { signal: noSignal() },
        ),
      ).rejects.toThrow(
        /pg_up\{instance="10.16.0.10:9187"\} is stale since \d{4}-\d\d-\d\dT[\d:.]+Z \(last scraped 45 s ago, more than twice the 15 s scrape interval\)/,
      );
    });

    it('when a selector is more than label matchers, before asking Prometheus anything', async () => {
      const { queries } = prometheusWith(primaryWithTwoReplicas);
      await expect(
        sourceFor({ baseUrl: BASE_URL }).sample(
          regionSelecting('studio-sul', '{a="b"} or vector(0)'),
          { signal: noSignal() },
        ),
      ).rejects.toThrow(
        'region studio-sul: metadata.annotations.meridian.dev/prometheus-selector "{a=\\"b\\"} or vector(0)" is not a list of label matchers like {instance="10.16.0.10:9187"}: unexpected "or vector(0)" after }',
      );
      expect(queries).toEqual([]);
    });

    it('when an exporter before 0.13 lacks the pg_replication query', async () => {
      prometheusWith({ pg_up: [[node, '1']] });
      expect(await failureOf()).toMatch(
        /no series match pg_replication_is_replica\{.*\}: postgres_exporter before 0.13 needs the pg_replication custom query/,
      );
    });

    it('when the exporter cannot reach its database', async () => {
      prometheusWith({ ...primaryWithTwoReplicas, pg_up: [[node, '0']] });
      expect(await failureOf()).toMatch(/cannot reach the database/);
    });

    it('when the selector matches several nodes', async () => {
      prometheusWith({
        ...primaryWithTwoReplicas,
        pg_up: [
          [node, '1'],
          [{ ...node, instance: '10.16.0.12:9187' }, '1'],
        ],
      });
      expect(await failureOf()).toMatch(
        /2 series match pg_up\{instance="10.16.0.10:9187"\}; the selector must pick one node/,
      );
    });

    it('when Prometheus rejects the query (400 bad_data)', async () => {
      server.use(
        http.post(QUERY_URL, () =>
          HttpResponse.json(
            {
              status: 'error',
              errorType: 'bad_data',
              error: '1:6: parse error: unexpected "}"',
            },
            { status: 400 },
          ),
        ),
      );
      expect(await failureOf()).toMatch(
        /answered HTTP 400 to pg_(up|replication_is_replica)\{.*\}\[600s\]: bad_data: 1:6: parse error: unexpected "}"/,
      );
    });

    it('when a proxy answers 503 in plain text', async () => {
      server.use(
        http.post(QUERY_URL, () =>
          HttpResponse.text('upstream connect error', { status: 503 }),
        ),
      );
      expect(await failureOf()).toBe(
        'Prometheus at http://prometheus.test:9090: answered HTTP 503: upstream connect error',
      );
    });

    it('when the answer is not JSON', async () => {
      server.use(
        http.post(QUERY_URL, () => HttpResponse.text('<html>login</html>')),
      );
      expect(await failureOf()).toMatch(/answered something that is not JSON/);
    });

    it('when a value is NaN', async () => {
      prometheusWith({ ...primaryWithTwoReplicas, pg_up: [[node, 'NaN']] });
      expect(await failureOf()).toMatch(
        /pg_up\{.*\}\[600s\] has the value NaN, not a number/,
      );
    });

    it('when a replica lag is +Inf', async () => {
      prometheusWith({
        ...primaryWithTwoReplicas,
        pg_stat_replication_pg_wal_lsn_diff: [[node, '+Inf']],
      });
      expect(await failureOf()).toMatch(/has the value \+Inf, not a number/);
    });

    it('when Prometheus refuses connections', async () => {
      const port = await findFreePort();
      server.use(
        http.post(`http://127.0.0.1:${port}/api/v1/query`, () => passthrough()),
      );
      expect(
        await failureOf({
          baseUrl: `http://scraper:hunter2@127.0.0.1:${port}`,
        }),
      ).toBe(`Prometheus at http://127.0.0.1:${port}: connection refused`);
    });

    /** Prometheus accepting queries and never answering; resolves `arrived` on the first. */
    function prometheusThatHangs() {
      let arrived!: () => void;
      const firstQuery = new Promise<void>(resolve => {
        arrived = resolve;
      });
      server.use(
        http.post(QUERY_URL, async () => {
          arrived();
          await delay('infinite');
          return HttpResponse.json({});
        }),
      );
      return firstQuery;
    }

    /** Whether `promise` is still pending once the queued callbacks ran. */
    async function isPending(promise: Promise<unknown>) {
      const pending = Symbol('pending');
      const winner = await Promise.race([
        promise,
        new Promise(resolve => setImmediate(() => resolve(pending))),
      ]);
      return winner === pending;
    }

    it('when the caller aborts while Prometheus holds the query', async () => {
      const firstQuery = prometheusThatHangs();
      const controller = new AbortController();
      const failure = failureOf(undefined, controller.signal);
      await firstQuery;
      controller.abort();
      // "aborted", not "timed out": the caller's signal ended it, not the 5 s cap
      expect(await failure).toBe(
        'Prometheus at http://prometheus.test:9090: sampling was aborted',
      );
    });

    it('after its 5 s cap when Prometheus never answers', async () => {
      const firstQuery = prometheusThatHangs();
      const failure = failureOf();
      await firstQuery;
      expect(await isPending(failure)).toBe(true);
      expect(await failure).toBe(
        'Prometheus at http://prometheus.test:9090: timed out after 5 s',
      );
    }, 30_000);
  });
});

/**
 * Real processes: a PostgreSQL primary and standby, a postgres_exporter for
 * each and a Prometheus scraping both every second.
 */
describe('PrometheusReplicationSource against a real Prometheus and postgres_exporter', () => {
  jest.setTimeout(90_000);

  let lab: PostgresPair | undefined;
  let dir: string;
  const processes = new ChildProcesses();
  let prometheus: PrometheusLab | undefined;
  let prometheusSource: PrometheusReplicationSource;
  let postgresSource: PostgresReplicationSource;
  const primaryRegion = regionSelecting('studio-primary', '{node="primary"}');
  const standbyRegion = regionSelecting('studio-sul', '{node="standby"}');

  async function sampleBoth(entity = primaryRegion) {
    const [viaPrometheus, viaPostgres] = await Promise.all([
      prometheusSource.sample(entity, { signal: noSignal() }),
      postgresSource.sample(
        {
          ...entity,
          metadata: {
            ...entity.metadata,
            annotations: { 'meridian.dev/database': entity.metadata.name },
          },
        },
        { signal: noSignal() },
      ),
    ]);
    return { viaPrometheus, viaPostgres };
  }

  async function sampleBothUntil(
    accept: (both: Awaited<ReturnType<typeof sampleBoth>>) => boolean,
    timeoutMs = 20_000,
  ) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const both = await sampleBoth();
      if (accept(both)) {
        return both;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Condition not met within ${timeoutMs} ms; last samples: ${JSON.stringify(
            both,
          )}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 250));
    }
  }

  beforeAll(async () => {
    if (!fs.existsSync(EXPORTER_BIN)) {
      throw new Error(
        `${EXPORTER_BIN} not installed: run scripts/test.sh, which installs the Debian package prometheus-postgres-exporter`,
      );
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-exporter-'));
    lab = await startPostgresPair({ names: ['studio_primary', 'studio_sul'] });

    // postgres_exporter 0.11 has no built-in `pg_replication_*`: older
    // deployments add them with this custom query, as the README shows.
    const queriesFile = path.join(dir, 'queries.yaml');
    fs.writeFileSync(queriesFile, PG_REPLICATION_QUERY);
    const targets: ScrapeJob['targets'] = [];
    const exporterLogs: (() => string)[] = [];
    for (const [label, labNode] of [
      ['primary', lab.primary],
      ['standby', lab.standby],
    ] as const) {
      const port = await findFreePort();
      exporterLogs.push(
        processes.start(
          EXPORTER_BIN,
          [
            `--web.listen-address=127.0.0.1:${port}`,
            `--extend.query-path=${queriesFile}`,
            '--disable-settings-metrics',
          ],
          {
            DATA_SOURCE_NAME: `${labNode.monitoringConnectionString}?sslmode=disable`,
          },
        ),
      );
      targets.push({ address: `127.0.0.1:${port}`, labels: { node: label } });
    }
    prometheus = await startPrometheus([{ name: 'postgres', targets }]);
    const promQuery = prometheus.query;
    const allLogs = () =>
      [prometheus!.logs(), ...exporterLogs.map(logs => logs())].join('\n');
    await waitFor(
      'both exporters scraped with pg_up 1 and the replica listed',
      async () =>
        (await promQuery('pg_up == 1')).length === 2 &&
        (await promQuery('pg_replication_is_replica')).length === 2 &&
        (await promQuery('pg_stat_replication_pg_wal_lsn_diff')).length === 1,
      allLogs,
    );

    prometheusSource = sourceFor({ baseUrl: prometheus.url });
    postgresSource = PostgresReplicationSource.fromConfig(
      new ConfigReader({
        regions: {
          databases: {
            'studio-primary': {
              regions: ['region:default/studio-primary'],
              connection: lab.primary.monitoringConnectionString,
            },
            'studio-sul': {
              regions: ['region:default/studio-sul'],
              connection: lab.standby.monitoringConnectionString,
            },
          },
        },
      }),
      { logger: mockServices.logger.mock() },
    );
  });

  afterAll(async () => {
    processes.killAll();
    await prometheus?.stop();
    await postgresSource?.close();
    await lab?.stop();
    if (dir) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports the same streaming replica as PostgreSQL, with no lag when idle', async () => {
    await lab!.waitForCatchUp();
    const { viaPrometheus, viaPostgres } = await sampleBothUntil(
      ({ viaPrometheus: p }) => p.replicas[0]?.lagBytes === 0,
    );
    expect(viaPrometheus.nodeRole).toBe('primary');
    expect(viaPrometheus.replicas).toEqual([
      expect.objectContaining({
        name: 'studio_sul',
        state: 'streaming',
        lagBytes: 0,
        lagSeconds: 0,
      }),
    ]);
    expect(viaPostgres.replicas).toEqual([
      expect.objectContaining({
        name: 'studio_sul',
        state: 'streaming',
        lagBytes: 0,
      }),
    ]);
  });

  it('reports the standby node as a standby', async () => {
    const observation = await prometheusSource.sample(standbyRegion, {
      signal: noSignal(),
    });
    expect(observation.nodeRole).toBe('standby');
    expect(observation.standby?.lastReplayAgeSeconds).toEqual(
      expect.any(Number),
    );
  });

  it('shows the byte lag PostgreSQL shows while replay is paused under writes', async () => {
    await lab!.pauseReplay(lab!.standby);
    try {
      await lab!.runWriteLoad({ node: lab!.primary, seconds: 2 });
      // Once the load stops the lag holds still; a scrape later both agree.
      const { viaPrometheus, viaPostgres } = await sampleBothUntil(
        ({ viaPrometheus: p, viaPostgres: q }) => {
          const seen = p.replicas[0]?.lagBytes ?? 0;
          const direct = q.replicas[0]?.lagBytes ?? 0;
          return seen > 0 && Math.abs(seen - direct) <= 64 * 1024;
        },
      );
      expect(viaPrometheus.replicas[0].lagBytes).toBeGreaterThan(100_000);
      expect(viaPostgres.replicas[0].lagBytes).toBeGreaterThan(100_000);
      expect(viaPrometheus.replicas[0].lagSeconds).toBeNull();
    } finally {
      await lab!.resumeReplay(lab!.standby);
    }
    await sampleBothUntil(
      ({ viaPrometheus: p }) => p.replicas[0]?.lagBytes === 0,
    );
  });
});
