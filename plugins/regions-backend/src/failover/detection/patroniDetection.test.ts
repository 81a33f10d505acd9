import { TestDatabases } from '@backstage/backend-test-utils';
import {
  US_EAST as EAST,
  US_WEST as WEST,
  usEastWestPair,
} from '../../__testUtils__/region';
import {
  PatroniCluster,
  PatroniLabMember,
  startPatroniCluster,
} from '../../testing/patroniLab';
import { createFailoverStack } from '../testing/failoverStack';

/*
 * Patroni's own automatic failover, which Meridian did not start: the leader
 * is killed, Patroni promotes the replica once the leader key expires, and the
 * collector records a detected run saying Patroni did it.
 */

jest.setTimeout(180_000);

const POLL_MS = 250;

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('a failover Patroni made on its own', () => {
  let lab: PatroniCluster;

  beforeAll(async () => {
    lab = await startPatroniCluster({ names: ['east', 'west'] });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  /** The node config of a lab member, REST credentials in the URL as an operator would write them. */
  function nodeOf(member: PatroniLabMember, regionRef: string) {
    const url = new URL(member.restUrl);
    url.username = lab.restApiCredentials.username;
    url.password = lab.restApiCredentials.password;
    return {
      connection: member.superuserConnectionString,
      patroni: { url: url.toString(), member: member.name },
      regions: [regionRef],
    };
  }

  async function leaderIs(member: PatroniLabMember) {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const state = await lab.clusterState().catch(() => []);
      const leader = state.find(m => m.role === 'leader');
      // Patroni reports a running leader before PostgreSQL finished promoting
      if (
        leader?.name === member.name &&
        leader.state === 'running' &&
        (await lab
          .query<{ primary: boolean }>(
            member,
            'SELECT NOT pg_is_in_recovery() AS primary',
          )
          .then(rows => rows[0]?.primary === true)
          .catch(() => false))
      ) {
        return;
      }
      await new Promise(resolve => setTimeout(resolve, POLL_MS));
    }
    throw new Error(
      `${member.name} did not become Patroni's leader (and a primary) in 60 s`,
    );
  }

  it('is recorded as a detected run within two collector ticks, with Patroni as who promoted and when', async () => {
    const [east, west] = lab.members;
    await lab.waitForLeader(east);
    const env = await createFailoverStack({
      knex: await databases.init('SQLITE_3'),
      regions: usEastWestPair(),
      config: {
        regions: {
          databases: {
            'us-east-db': nodeOf(east, EAST),
            'us-west-db': nodeOf(west, WEST),
          },
        },
      },
    });
    await env.collector.run();
    expect(
      (await env.replicationStore.getLatestState(WEST))?.observedRole,
    ).toBe('standby');

    const crashedAt = Date.now();
    await lab.crash(east);
    await leaderIs(west);
    const leaderAt = Date.now();
    await env.collector.run();
    await env.collector.run();

    // recorded within two ticks, when and on which timeline from the node itself
    let runs = await env.store.listRuns(WEST);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      mode: 'detected',
      region: EAST,
      target: WEST,
      status: 'succeeded',
      detection: { promotedAtFrom: 'node', timeline: 2 },
    });
    // Patroni says who promoted it within a loop_wait: a later tick adds it
    const deadline = Date.now() + 30_000;
    while (!runs[0].detection!.promotedBy && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 1_000));
      await env.collector.run();
      runs = await env.store.listRuns(WEST);
    }
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      createdBy: 'patroni (new leader west)',
      detection: { promotedBy: 'patroni (new leader west)' },
    });
    // Patroni's own record of when: after the crash, before we saw the new leader
    const promotedAt = Date.parse(runs[0].detection!.promotedAt);
    expect(promotedAt).toBeGreaterThanOrEqual(crashedAt - 1_000);
    expect(promotedAt).toBeLessThanOrEqual(leaderAt + 1_000);
    expect(runs[0].detection!.evidence).toEqual(
      expect.arrayContaining([
        // Patroni writes its history up to a loop_wait after the promotion
        expect.stringMatching(
          /^Patroni's (history: timeline 1 ended at \S+ \(.+\) at .+, west leads|cluster: west holds the leader lock on timeline 2 \(its history does not list the switch yet\))$/,
        ),
        expect.stringMatching(
          /^us-west-db's pg_wal\/00000002\.history was written at .*: timeline 2 forks at \S+/,
        ),
      ]),
    );
    expect((await env.store.listRuns(EAST)).map(r => r.id)).toEqual([
      runs[0].id,
    ]);
    expect(
      (await env.replicationStore.getLatestState(WEST))?.observedRole,
    ).toBe('primary');
    await env.close();
  });
});
