import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ReplicationObservation } from '@meridian/plugin-regions-node';
import net from 'node:net';
import { region } from '../../__testUtils__/region';
import { PostgresPair, startPostgresPair } from '../../testing/postgresLab';
import { findFreePort } from '../../testing/ports';
import { PostgresReplicationSource } from './PostgresReplicationSource';

jest.setTimeout(60_000);

const PASSWORD = 's3cret-Pa55word';
const LSN = /^[0-9A-F]+\/[0-9A-F]+$/;

const regionOn = (database: string) =>
  region(
    `region-of-${database}`,
    {},
    { annotations: { 'meridian.dev/database': database } },
  );
const primaryRegion = regionOn('studio-primary-db');
const standbyRegion = regionOn('studio-sul-db');

describe('PostgresReplicationSource', () => {
  let lab: PostgresPair;
  let source: PostgresReplicationSource;
  /** Accepts connections and never answers, like a host behind a stuck proxy. */
  let silentServer: net.Server;
  const silentSockets = new Set<net.Socket>();

  const sample = (
    entity = primaryRegion,
    signal = new AbortController().signal,
  ) => source.sample(entity, { signal });

  /** Samples until `accept` holds, or fails with the last observation. */
  async function sampleUntil(
    entity: typeof primaryRegion,
    accept: (observation: ReplicationObservation) => boolean,
    timeoutMs = 15_000,
  ): Promise<ReplicationObservation> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const observation = await sample(entity);
      if (accept(observation)) {
        return observation;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Condition not met within ${timeoutMs} ms; last sample: ${JSON.stringify(
            observation,
          )}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }

  const standbyRow = (observation: ReplicationObservation) =>
    observation.replicas.find(replica => replica.name === lab.standby.name);

  beforeAll(async () => {
    lab = await startPostgresPair();
    silentServer = net.createServer(socket => {
      silentSockets.add(socket);
      socket.on('close', () => silentSockets.delete(socket));
    });
    await new Promise<void>(resolve =>
      silentServer.listen(0, '127.0.0.1', resolve),
    );
    const silentPort = (silentServer.address() as net.AddressInfo).port;
    const closedPort = await findFreePort();
    const monitoringOn = (port: number, password = PASSWORD) =>
      `postgresql://meridian:${password}@127.0.0.1:${port}/postgres`;

    source = PostgresReplicationSource.fromConfig(
      new ConfigReader({
        regions: {
          databases: {
            'studio-primary-db': {
              regions: ['region:default/region-of-studio-primary-db'],
              connection: lab.primary.monitoringConnectionString,
            },
            'studio-sul-db': {
              regions: ['region:default/region-of-studio-sul-db'],
              connection: lab.standby.monitoringConnectionString,
            },
            'studio-norte-db': {
              regions: ['region:default/region-of-studio-norte-db'],
              connection: monitoringOn(closedPort),
            },
            'studio-ne-db': {
              regions: ['region:default/region-of-studio-ne-db'],
              connection: monitoringOn(silentPort),
            },
            'studio-wrong-password-db': {
              regions: ['region:default/region-of-studio-wrong-password-db'],
              connection: monitoringOn(lab.primary.port),
            },
            'studio-patroni-db': {
              patroni: { url: 'http://127.0.0.1:8008', member: 'sul-1' },
            },
          },
        },
      }),
      { logger: mockServices.logger.mock() },
    );
    await lab.query(lab.primary, 'CREATE TABLE writes (payload text)');
    await lab.waitForCatchUp();
  });

  afterAll(async () => {
    await source?.close();
    silentSockets.forEach(socket => socket.destroy());
    silentServer?.close();
    await lab?.stop();
  });

  it('observes regions whose database has a connection string, and no others', () => {
    expect(source.id).toBe('postgres');
    expect(source.observes(primaryRegion)).toBe(true);
    expect(source.observes(standbyRegion)).toBe(true);
    expect(source.observes(region('no-annotation'))).toBe(false);
    expect(source.observes(regionOn('not-configured-db'))).toBe(false);
    expect(source.observes(regionOn('studio-patroni-db'))).toBe(false);
  });

  it("refuses to sample a region that names another region's database, naming the binding", async () => {
    const rogue = region(
      'rogue',
      {},
      { annotations: { 'meridian.dev/database': 'studio-primary-db' } },
    );
    expect(source.observes(rogue)).toBe(true);
    await expect(sample(rogue)).rejects.toThrow(
      'region:default/rogue names database studio-primary-db, which config binds to region:default/region-of-studio-primary-db (regions.databases.studio-primary-db.regions)',
    );
  });

  it('reports a caught-up standby of an idle primary as streaming with no lag', async () => {
    const observation = await sampleUntil(
      primaryRegion,
      o => standbyRow(o)?.lagBytes === 0,
    );
    expect(observation).toEqual({
      sampledAt: expect.any(Date),
      nodeRole: 'primary',
      database: 'studio-primary-db',
      replicas: [
        {
          name: lab.standby.name,
          state: 'streaming',
          syncState: 'async',
          lagBytes: 0,
          lagSeconds: expect.any(Number),
          kind: 'physical',
          slot: lab.standby.name,
          walStatus: 'reserved',
        },
      ],
      subscriptions: [],
      node: {
        systemIdentifier: expect.stringMatching(/^\d+$/),
        inRecovery: false,
        timeline: 1,
        acceptsWrites: true,
        fenced: false,
        lsn: expect.stringMatching(LSN),
      },
    });
    expect(standbyRow(observation)!.lagSeconds).toBeLessThan(1);
  });

  it('reports the standby side when the region names the standby node', async () => {
    await lab.query(lab.primary, `INSERT INTO writes VALUES ('replayed')`);
    await lab.waitForCatchUp();

    const observation = await sample(standbyRegion);

    expect(observation).toEqual({
      sampledAt: expect.any(Date),
      nodeRole: 'standby',
      database: 'studio-sul-db',
      replicas: [],
      standby: {
        receiverStatus: 'streaming',
        receiveLsn: expect.stringMatching(LSN),
        replayLsn: expect.stringMatching(LSN),
        replayBacklogBytes: 0,
        lastReplayAgeSeconds: expect.any(Number),
        caughtUp: true,
        upstream: `127.0.0.1:${lab.primary.port}`,
      },
      node: {
        systemIdentifier: expect.stringMatching(/^\d+$/),
        inRecovery: true,
        timeline: 1,
        acceptsWrites: false,
        fenced: false,
        lsn: expect.stringMatching(LSN),
        upstream: `127.0.0.1:${lab.primary.port}`,
      },
    });
    expect(observation.standby!.lastReplayAgeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('shows lag growing while replay is paused under writes, and gone once resumed', async () => {
    await lab.pauseReplay(lab.standby);
    try {
      await lab.runWriteLoad({ node: lab.primary, seconds: 1 });
      const first = standbyRow(await sample())!;
      await lab.runWriteLoad({ node: lab.primary, seconds: 1 });
      const second = standbyRow(await sample())!;

      expect(first.state).toBe('streaming');
      expect(first.lagBytes).toBeGreaterThan(0);
      expect(second.lagBytes).toBeGreaterThan(first.lagBytes!);
      expect(second.lagSeconds).toBeGreaterThan(0);

      const { standby } = await sample(standbyRegion);
      expect(standby!.replayBacklogBytes).toBeGreaterThan(0);
      expect(standby!.caughtUp).toBe(false);
    } finally {
      await lab.resumeReplay(lab.standby);
    }

    await sampleUntil(primaryRegion, o => standbyRow(o)?.lagBytes === 0);
  });

  it('shows a stopped standby as stopped through its slot, and streaming again once restarted', async () => {
    await lab.stopNode(lab.standby);
    await lab.query(lab.primary, `INSERT INTO writes VALUES ('while stopped')`);

    const stopped = await sampleUntil(
      primaryRegion,
      o => standbyRow(o)?.state === 'stopped',
    );
    expect(stopped.replicas).toEqual([
      {
        name: lab.standby.name,
        state: 'stopped',
        lagBytes: expect.any(Number),
        lagSeconds: null,
        kind: 'physical',
        slot: lab.standby.name,
        walStatus: 'reserved',
      },
    ]);
    expect(standbyRow(stopped)!.lagBytes).toBeGreaterThan(0);
    await expect(sample(standbyRegion)).rejects.toThrow(
      'database studio-sul-db: connection refused',
    );

    await lab.startNode(lab.standby);
    const resumed = await sampleUntil(
      primaryRegion,
      o =>
        standbyRow(o)?.state === 'streaming' && standbyRow(o)?.lagBytes === 0,
    );
    expect(standbyRow(resumed)!.lagSeconds).toBeLessThan(1);
    expect((await sample(standbyRegion)).standby!.receiverStatus).toBe(
      'streaming',
    );
  });

  describe('when the node cannot be sampled', () => {
    const expectNoSecret = (message: string) => {
      expect(message).not.toContain(PASSWORD);
      expect(message).not.toContain('meridian');
      expect(message).not.toContain('postgresql://');
    };

    it('names the database and says the connection was refused', async () => {
      const error = await sample(regionOn('studio-norte-db')).catch(e => e);
      expect(error.message).toBe(
        'database studio-norte-db: connection refused',
      );
      expectNoSecret(error.message);
    });

    it('says authentication failed without naming the user', async () => {
      const error = await sample(regionOn('studio-wrong-password-db')).catch(
        e => e,
      );
      expect(error.message).toBe(
        'database studio-wrong-password-db: authentication failed',
      );
      expectNoSecret(error.message);
    });

    /** Resolves once the silent node has one more connection than now. */
    function nextSilentConnection() {
      return new Promise<void>(resolve =>
        silentServer.once('connection', () => resolve()),
      );
    }

    it('gives up after its 3 s cap on a node that never answers', async () => {
      const connected = nextSilentConnection();
      const sampling = sample(regionOn('studio-ne-db')).catch(e => e);
      await connected;
      const error = await sampling;
      expect(error.message).toBe(
        'database studio-ne-db: timed out after 3 s connecting',
      );
      expectNoSecret(error.message);
    }, 30_000);

    it('stops waiting when the signal aborts while the node holds the connection', async () => {
      const controller = new AbortController();
      const connected = nextSilentConnection();
      const sampling = sample(regionOn('studio-ne-db'), controller.signal);
      await connected;
      controller.abort();
      // "aborted", not "timed out": the signal ended it, not the 3 s cap
      await expect(sampling).rejects.toThrow(
        'database studio-ne-db: sampling was aborted',
      );
    });
  });
});
