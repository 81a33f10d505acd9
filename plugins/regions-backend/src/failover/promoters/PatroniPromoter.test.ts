import {
  DatabaseNode,
  FailoverStepContext,
} from '@meridian/plugin-regions-node';
import {
  PatroniCluster,
  PatroniLabMember,
  startPatroniCluster,
} from '../../testing/patroniLab';
import { PatroniFencer } from '../fencers/PatroniFencer';
import { PatroniPromoter } from './PatroniPromoter';

import { outsideRun } from '../engine/outsideRun';

jest.setTimeout(180_000);

/** A step context whose log lines the test reads. */
function stepContext(): FailoverStepContext & { lines: string[] } {
  const lines: string[] = [];
  return { ...outsideRun({ log: line => lines.push(line) }), lines };
}

describe('PatroniPromoter against a real Patroni cluster', () => {
  let lab: PatroniCluster;
  let first: PatroniLabMember;
  let second: PatroniLabMember;
  const promoter = new PatroniPromoter();
  const fencer = new PatroniFencer();
  // A promoter that gives up quickly, for checks that must fail.
  const impatient = new PatroniPromoter({ timeoutMs: 1_500 });

  /** The node config of a lab member, REST credentials in the URL as an operator would write them. */
  function nodeOf(
    member: PatroniLabMember,
    extra: Partial<DatabaseNode> = {},
  ): DatabaseNode {
    const url = new URL(member.restUrl);
    url.username = lab.restApiCredentials.username;
    url.password = lab.restApiCredentials.password;
    return {
      name: `${member.name}-db`,
      regions: [],
      patroni: { url: url.toString(), member: member.name },
      ...extra,
    };
  }

  async function leaderName() {
    return (await lab.clusterState()).find(m => m.role === 'leader')?.name;
  }

  async function primaryStatus(member: PatroniLabMember) {
    const response = await fetch(`${member.restUrl}/primary`);
    await response.body?.cancel();
    return response.status;
  }

  beforeAll(async () => {
    lab = await startPatroniCluster();
    [first, second] = lab.members;
  });

  afterAll(async () => {
    await lab?.stop();
  });

  it('inspects the leader as a writable primary and the replica as a streaming standby', async () => {
    await lab.query(first, 'CREATE TABLE IF NOT EXISTS ledger (id int)');
    await lab.waitForLeader(first);
    const ctx = stepContext();

    const leader = await promoter.inspect(nodeOf(first), ctx);
    const replica = await promoter.inspect(nodeOf(second), ctx);

    const [{ systemIdentifier }] = await lab.query<{
      systemIdentifier: string;
    }>(
      first,
      'SELECT system_identifier::text AS "systemIdentifier" FROM pg_control_system()',
    );
    expect(leader).toEqual({
      role: 'primary',
      writable: true,
      lsn: expect.stringMatching(/^[0-9A-F]+\/[0-9A-F]+$/),
      systemIdentifier,
      timeline: 1,
      address: new URL(first.restUrl).host,
      replicas: [second.name],
    });
    expect(replica).toEqual({
      role: 'standby',
      writable: false,
      lsn: expect.stringMatching(/^[0-9A-F]+\/[0-9A-F]+$/),
      receiveLsn: expect.stringMatching(/^[0-9A-F]+\/[0-9A-F]+$/),
      streaming: true,
      systemIdentifier,
      timeline: 1,
      address: new URL(second.restUrl).host,
      applicationName: second.name,
    });
    const [{ lsn }] = await lab.query<{ lsn: string }>(
      first,
      'SELECT pg_current_wal_lsn()::text AS lsn',
    );
    // the leader's position as Patroni reports it, in PostgreSQL's notation
    expect(
      await lab.query(first, 'SELECT $1::pg_lsn <= $2::pg_lsn AS ok', [
        leader.lsn,
        lsn,
      ]),
    ).toEqual([{ ok: true }]);
    expect(ctx.lines.join('\n')).toContain(
      `${first.name}-db (member ${first.name})`,
    );
  });

  it('finds the member name from the cluster when the config leaves it out', async () => {
    const node = nodeOf(second);
    delete node.patroni!.member;
    const ctx = stepContext();
    await promoter.inspect(node, ctx);
    expect(ctx.lines[0]).toContain(`(member ${second.name})`);
  });

  it('surfaces Patroni refusing an unknown candidate and changes nothing', async () => {
    const ghost = nodeOf(second, { name: 'ghost-db' });
    ghost.patroni!.member = 'ghost';

    const attempt = promoter.promote(ghost, stepContext(), {
      source: nodeOf(first),
    });

    await expect(attempt).rejects.toThrow(
      `Patroni refused the switchover to ghost (HTTP 412): candidate does not exists; the leader is still ${first.name}`,
    );
    expect(await leaderName()).toBe(first.name);
    expect(await primaryStatus(first)).toBe(200);
  });

  it('surfaces Patroni turning down a candidate over maximum_lag_on_failover, naming the limit', async () => {
    const auth = `Basic ${Buffer.from(
      `${lab.restApiCredentials.username}:${lab.restApiCredentials.password}`,
    ).toString('base64')}`;
    const setLimit = (limit: number) =>
      fetch(`${first.restUrl}/config`, {
        method: 'PATCH',
        headers: { authorization: auth },
        body: JSON.stringify({ maximum_lag_on_failover: limit }),
      }).then(response => expect(response.status).toBe(200));
    // Below zero every replica counts as lagging: Patroni must refuse it.
    await setLimit(-1);
    try {
      await new Promise(resolve => setTimeout(resolve, 2_000)); // the next loop applies it
      const attempt = promoter.promote(nodeOf(second), stepContext(), {
        source: nodeOf(first),
      });
      await expect(attempt).rejects.toThrow(
        /Patroni refused the switchover to pg2 \(HTTP 503\): Switchover failed \(Patroni does not promote a candidate that is not running, is tagged nofailover or lags more than maximum_lag_on_failover = -1 bytes; its log says which\); the leader is still pg1/,
      );
      expect(await leaderName()).toBe(first.name);
    } finally {
      await setLimit(1048576);
      await new Promise(resolve => setTimeout(resolve, 2_000));
    }
  });

  it('tells a wrong REST password by its status and never shows the password', async () => {
    const node = nodeOf(second);
    const url = new URL(node.patroni!.url);
    url.password = 'not-the-password';
    node.patroni!.url = url.toString();

    const failure = await promoter
      .promote(node, stepContext(), { source: nodeOf(first) })
      .then(
        () => undefined,
        error => error as Error,
      );

    expect(failure?.message).toMatch(/HTTP 401/);
    expect(failure?.message).not.toContain('not-the-password');
    expect(failure?.message).not.toContain(lab.restApiCredentials.password);
    expect(await leaderName()).toBe(first.name);
  });

  it('refuses to call a replica writable or a running leader fenced', async () => {
    await expect(
      impatient.verifyWritable(nodeOf(second), stepContext()),
    ).rejects.toThrow(
      `Timed out waiting for ${second.name} to answer 200 on GET /primary`,
    );
    expect(await fencer.verify(nodeOf(first), stepContext())).toEqual({
      fenced: false,
      detail: expect.stringMatching(
        new RegExp(
          `^${first.name}-db \\(member ${first.name}\\) still acts as a writable primary: GET /primary 200`,
        ),
      ),
    });
  });

  it('switches over: the candidate leads and takes writes, the old leader is a fenced replica', async () => {
    await lab.query(
      first,
      'INSERT INTO ledger SELECT generate_series(1, 1000)',
    );
    const source = nodeOf(first, {
      connection: first.superuserConnectionString,
    });
    const target = nodeOf(second, {
      connection: second.superuserConnectionString,
    });
    const fenceCtx = stepContext();
    const promoteCtx = stepContext();
    const verifyCtx = stepContext();

    const { lsn } = await fencer.fence(source, fenceCtx);
    expect(fenceCtx.lines.join('\n')).toMatch(
      /Patroni demotes the leader itself during POST \/switchover/,
    );
    // fencing a Patroni leader leaves it running until Patroni hands over
    expect(await primaryStatus(first)).toBe(200);

    await promoter.promote(target, promoteCtx, { waitForLsn: lsn, source });
    await promoter.verifyWritable(target, verifyCtx);
    expect(await fencer.verify(source, verifyCtx)).toMatchObject({
      fenced: true,
    });

    expect(await leaderName()).toBe(second.name);
    expect(await primaryStatus(first)).toBe(503);
    expect(promoteCtx.lines.join('\n')).toMatch(
      new RegExp(
        `POST /switchover \\{"leader":"${first.name}","candidate":"${second.name}"\\}[\\s\\S]*Successfully switched over to "${second.name}"[\\s\\S]*${second.name} leads, timeline 2`,
      ),
    );
    expect(verifyCtx.lines.join('\n')).toMatch(/committed transaction \d+/);
    expect(
      await lab.query(second, 'SELECT count(*)::int AS n FROM ledger'),
    ).toEqual([{ n: 1000 }]);

    // Patroni brings the old leader back as a replica of the new one
    await lab.waitForLeader(second);
    const [{ recovery }] = await lab.query<{ recovery: boolean }>(
      first,
      'SELECT pg_is_in_recovery() AS recovery',
    );
    expect(recovery).toBe(true);
    const oldLeader = await promoter.inspect(source, stepContext());
    expect(oldLeader).toMatchObject({ role: 'standby', writable: false });
    for (const ctx of [fenceCtx, promoteCtx, verifyCtx]) {
      expect(ctx.lines.join('\n')).not.toContain(
        lab.restApiCredentials.password,
      );
    }
  });

  it('promotes nothing when the named source does not lead', async () => {
    // after the switchover above, the first member is a replica
    const attempt = promoter.promote(nodeOf(first), stepContext(), {
      source: nodeOf(first, { name: 'stale-source-db' }),
    });
    await expect(attempt).rejects.toThrow(
      `${second.name} leads the Patroni cluster of ${first.name}-db, not ${first.name} (stale-source-db, the source): promoted nothing`,
    );
    expect(await leaderName()).toBe(second.name);
  });

  // Last: it leaves the lab with one member.
  it('fails over from a lost leader: the candidate leads and takes writes; the lost one is not called fenced while it does not answer', async () => {
    // after the switchover above, the second member leads
    await lab.waitForLeader(second);
    const lost = nodeOf(second, {
      connection: second.superuserConnectionString,
    });
    const target = nodeOf(first, {
      connection: first.superuserConnectionString,
    });
    await lab.query(second, 'INSERT INTO ledger VALUES (1001)');
    const [{ lsn }] = await lab.query<{ lsn: string }>(
      second,
      'SELECT pg_current_wal_lsn()::text AS lsn',
    );
    // the standby has the row before the leader is lost: nothing to lose
    for (let tries = 0; tries < 100; tries++) {
      const [{ caughtUp }] = await lab.query<{ caughtUp: boolean }>(
        first,
        'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS "caughtUp"',
        [lsn],
      );
      if (caughtUp) break;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    await lab.crash(second);
    const promoteCtx = stepContext();

    await promoter.promote(target, promoteCtx, { source: lost });
    await promoter.verifyWritable(target, promoteCtx);
    expect(await fencer.verify(lost, stepContext())).toMatchObject({
      fenced: false,
      unreachable: true,
      detail: expect.stringMatching(/did not answer GET \/patroni/),
    });

    expect(promoteCtx.lines.join('\n')).toMatch(
      new RegExp(
        `POST /failover \\{"candidate":"${first.name}"\\}[\\s\\S]*Successfully failed over to "${first.name}"[\\s\\S]*${first.name} leads, timeline 3`,
      ),
    );
    expect(await leaderName()).toBe(first.name);
    expect(
      await lab.query(first, 'SELECT count(*)::int AS n FROM ledger'),
    ).toEqual([{ n: 1001 }]);
  });
});
