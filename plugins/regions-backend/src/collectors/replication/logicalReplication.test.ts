import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ReplicationResponse } from '@meridian/plugin-regions-common';
import request from 'supertest';
import { region } from '../../__testUtils__/region';
import {
  PostgresLabNode,
  PostgresPair,
  startPostgresPair,
} from '../../testing/postgresLab';
import { regionsPlugin } from '../../plugin';

const annotated = (database: string) => ({
  annotations: { 'meridian.dev/database': database },
});

/** The DR strategy's setup: a primary, a physical standby, a logical subscriber. */
const sul = region(
  'sul',
  { replication: { role: 'primary', mode: 'streaming', rpoSeconds: 30 } },
  annotated('sul-db'),
);
const norte = region(
  'norte',
  {
    replication: {
      role: 'warm-standby',
      mode: 'logical',
      source: 'sul',
      rpoSeconds: 10,
    },
  },
  annotated('norte-db'),
);
const leste = region(
  'leste',
  {
    replication: {
      role: 'active',
      mode: 'logical',
      rpoSeconds: 30,
    },
  },
  annotated('leste-db'),
);

/**
 * Real PostgreSQL 15 clusters on loopback: `sul` (primary, wal_level logical)
 * with a physical standby and a CDC slot, `norte` subscribing to it, and
 * `leste`, an active region that both publishes to and subscribes from `sul`.
 * The collector runs as the plugin schedules it; the answers are the
 * replication route's.
 */
describe('logical replication observed from both ends', () => {
  jest.setTimeout(180_000);
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  let lab: PostgresPair;
  let subscriber: PostgresLabNode;
  let peer: PostgresLabNode;
  let collect: () => Promise<void>;
  let get: (name: string) => Promise<ReplicationResponse>;

  beforeAll(async () => {
    lab = await startPostgresPair({
      names: ['sul', 'sul_standby'],
      logical: true,
    });
    subscriber = await lab.addNode('norte');
    peer = await lab.addNode('leste');
    for (const node of [lab.primary, subscriber, peer]) {
      await lab.query(
        node,
        `CREATE TABLE items(id bigint PRIMARY KEY, payload text);
         CREATE TABLE leste_items(id bigint PRIMARY KEY, payload text);
         GRANT SELECT ON items, leste_items TO replicator;`,
      );
    }
    await lab.query(lab.primary, 'CREATE PUBLICATION sul_pub FOR TABLE items');
    await lab.query(peer, 'CREATE PUBLICATION leste_pub FOR TABLE leste_items');
    await lab.subscribe({
      subscriber,
      publisher: lab.primary,
      publication: 'sul_pub',
      subscription: 'norte_sub',
    });
    // leste, active: takes sul's items and gives sul its own.
    await lab.subscribe({
      subscriber: peer,
      publisher: lab.primary,
      publication: 'sul_pub',
      subscription: 'leste_from_sul',
    });
    await lab.subscribe({
      subscriber: lab.primary,
      publisher: peer,
      publication: 'leste_pub',
      subscription: 'sul_from_leste',
    });
    // A change-data-capture consumer no region stands behind.
    await lab.query(
      lab.primary,
      `SELECT pg_create_logical_replication_slot('debezium', 'pgoutput')`,
    );

    const knex = await databases.init('SQLITE_3');
    const scheduler = mockServices.scheduler.mock();
    const node = (regionName: string, labNode: PostgresLabNode) => ({
      regions: [`region:default/${regionName}`],
      connection: labNode.monitoringConnectionString,
    });
    const { server } = await startTestBackend({
      features: [
        regionsPlugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: [sul, norte, leste] }),
        mockServices.rootConfig.factory({
          data: {
            regions: {
              databases: {
                'sul-db': node('sul', lab.primary),
                'norte-db': node('norte', subscriber),
                'leste-db': node('leste', peer),
              },
            },
          },
        }),
        scheduler.factory,
      ],
    });
    const run = (id: string) =>
      scheduler.scheduleTask.mock.calls
        .find(([task]) => task.id === id)![0]
        .fn(new AbortController().signal);
    await run('regions-catalog-sync');
    collect = async () => {
      await run('regions-replication-collector');
    };
    get = async name =>
      (
        await request(server)
          .get(`/api/regions/regions/default/${name}/replication?window=1h`)
          .set('Authorization', mockCredentials.user.header())
      ).body;
  });

  afterAll(async () => {
    await lab?.stop();
  });

  /**
   * Collects (after `meanwhile`, e.g. writes) until `done` holds for the
   * region's answer; answers the last one.
   */
  async function collectUntil(
    name: string,
    done: (answer: ReplicationResponse) => boolean,
    options: { timeoutMs?: number; meanwhile?: () => Promise<unknown> } = {},
  ): Promise<ReplicationResponse> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await options.meanwhile?.();
      await collect();
      const answer = await get(name);
      if (done(answer)) {
        return answer;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `not within ${timeoutMs} ms; last answer: ${JSON.stringify(answer)}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
  }

  const write = (node: PostgresLabNode, table: string, rows: number) =>
    lab.query(
      node,
      `INSERT INTO ${table}(id, payload)
       SELECT coalesce((SELECT max(id) FROM ${table}), 0) + g, repeat('x', 200)
         FROM generate_series(1, $1::int) g`,
      [rows],
    );

  it('shows the subscriber its subscription, caught up against the publisher, with no drift', async () => {
    await write(lab.primary, 'items', 100);
    const answer = await collectUntil('norte', a =>
      a.subscriptions.some(s => s.lagBytes === 0 && s.tables.ready === 1),
    );
    expect(answer).toMatchObject({
      status: 'ok',
      observedRole: 'primary',
      subscriptions: [
        {
          name: 'norte_sub',
          state: 'streaming',
          slot: 'norte_sub',
          publications: ['sul_pub'],
          tables: { ready: 1, total: 1 },
          lagBytes: 0,
          lagSeconds: 0,
          publisherRegion: 'region:default/sul',
        },
      ],
    });
    expect(answer.subscriptions[0].appliedLsn).toMatch(
      /^[0-9A-F]+\/[0-9A-F]+$/,
    );
    expect(answer.drift).toBeUndefined();
    expect(answer.reason).toMatch(/worst subscription norte_sub is/);
  });

  it('lists the publisher physical standby and logical slots apart, a CDC slot shown but not counted', async () => {
    // debezium holds back everything written since it was created
    await write(lab.primary, 'items', 2_000);
    const answer = await collectUntil('sul', a => {
      const debezium = a.replicas.find(r => r.name === 'debezium');
      return (debezium?.lagBytes ?? 0) > 0 && a.status === 'ok';
    });
    const byName = Object.fromEntries(answer.replicas.map(r => [r.name, r]));
    expect(byName.sul_standby).toMatchObject({
      kind: 'physical',
      slot: 'sul_standby',
      walStatus: 'reserved',
      state: 'streaming',
    });
    expect(byName.sul_standby.counted).toBeUndefined();
    expect(byName.norte_sub).toMatchObject({
      kind: 'logical',
      slot: 'norte_sub',
      counted: true,
      region: 'region:default/norte',
    });
    expect(byName.debezium).toMatchObject({
      kind: 'logical',
      slot: 'debezium',
      state: 'stopped',
      counted: false,
    });
    // a stopped slot would otherwise make the region a warning at least
    expect(answer.status).toBe('ok');
    expect(answer.reason).toMatch(
      /not counted: logical slot debezium, which no region replicates through \(change data capture\)/,
    );
  });

  it('shows an active region each direction as observed', async () => {
    await write(peer, 'leste_items', 10);
    const answer = await collectUntil('leste', a =>
      (a.directions ?? []).some(
        d => d.direction === 'incoming' && d.lagBytes === 0,
      ),
    );
    expect(answer.directions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          direction: 'outgoing',
          peer: 'region:default/sul',
          via: 'sul_from_leste',
          kind: 'logical',
        }),
        expect.objectContaining({
          direction: 'incoming',
          peer: 'region:default/sul',
          via: 'leste_from_sul',
          kind: 'logical',
          lagBytes: 0,
        }),
      ]),
    );
    expect((await get('sul')).directions).toBeUndefined(); // sul is a primary: replicas and subscriptions, no directions
  });

  describe('with the subscriber apply worker stopped (SIGSTOP)', () => {
    let workerPid: number;
    beforeAll(async () => {
      const [row] = await lab.query<{ pid: number }>(
        subscriber,
        `SELECT pid FROM pg_stat_subscription WHERE subname = 'norte_sub' AND relid IS NULL`,
      );
      workerPid = row.pid;
      process.kill(workerPid, 'SIGSTOP');
    });
    afterAll(() => {
      try {
        process.kill(workerPid, 'SIGCONT');
      } catch {
        // gone with its slot
      }
    });

    it('sees the lag grow from the subscriber side, past the RPO', async () => {
      await write(lab.primary, 'items', 500);
      const first = await collectUntil(
        'norte',
        a => (a.subscriptions[0]?.lagBytes ?? 0) > 0,
      );
      const breached = await collectUntil('norte', a => a.status === 'breach');
      expect(breached.subscriptions[0].lagBytes).toBeGreaterThanOrEqual(
        first.subscriptions[0].lagBytes!,
      );
      expect(breached.subscriptions[0].lagSeconds).toBeGreaterThan(10);
      expect(breached.reason).toMatch(
        /worst subscription norte_sub is [\d.]+ s behind \(above the RPO 10 s\)/,
      );
    });

    it('breaches on the publisher once the slot loses the WAL the subscriber needs', async () => {
      await lab.query(
        lab.primary,
        `ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'`,
      );
      await lab.query(lab.primary, 'SELECT pg_reload_conf()');
      // WAL past the 1 MB the slot may keep, then a checkpoint removes it
      const answer = await collectUntil(
        'sul',
        a =>
          a.replicas.some(
            r => r.name === 'norte_sub' && r.walStatus === 'lost',
          ),
        {
          meanwhile: async () => {
            await write(lab.primary, 'items', 5_000);
            await lab.query(lab.primary, 'SELECT pg_switch_wal()');
            await lab.query(lab.primary, 'CHECKPOINT');
          },
        },
      );
      expect(answer.status).toBe('breach');
      expect(answer.reason).toMatch(
        /slot norte_sub has wal_status lost \(the primary removes WAL its replica still needs\)/,
      );
    });
  });
});
