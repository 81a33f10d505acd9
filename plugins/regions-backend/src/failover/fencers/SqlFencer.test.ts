import {
  DatabaseNode,
  FailoverStepContext,
} from '@meridian/plugin-regions-node';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { PostgresPair, startPostgresPair } from '../../testing/postgresLab';
import { PostgresPromoter } from '../promoters/PostgresPromoter';
import { applicationWrite, inRecovery } from '../testing/failoverStack';
import { LAST_RECORD_END_SQL, SqlFencer } from './SqlFencer';

import { outsideRun } from '../engine/outsideRun';

jest.setTimeout(120_000);

function stepContext(): FailoverStepContext & { lines: string[] } {
  const lines: string[] = [];
  return { ...outsideRun({ log: line => lines.push(line) }), lines };
}

describe('SqlFencer on a real PostgreSQL pair', () => {
  let pair: PostgresPair;
  let primary: DatabaseNode;
  let standby: DatabaseNode;
  const fencer = new SqlFencer();

  beforeEach(async () => {
    pair = await startPostgresPair({ names: ['east', 'west'] });
    primary = {
      name: 'east-db',
      regions: ['region:default/us-east'],
      connection: pair.primary.superuserConnectionString,
    };
    standby = {
      name: 'west-db',
      regions: ['region:default/us-west'],
      connection: pair.standby.superuserConnectionString,
    };
  });
  afterEach(async () => {
    await pair.stop();
  });

  it('says an unfenced primary is not fenced, naming what is missing', async () => {
    expect(await fencer.verify(primary, stepContext())).toEqual({
      fenced: false,
      detail:
        'not fenced: default_transaction_read_only is off; role(s) app, meridian, replicator may still log in',
    });
  });

  it('fences so that the application can no longer commit anything, even with read-only turned off, and proves it', async () => {
    expect(await applicationWrite(pair.primary)).toBe('committed');
    // a session of the application open before the fence, in a read-write transaction
    const open = new Client({
      connectionString: pair.primary.applicationConnectionString,
    });
    open.on('error', () => {});
    await open.connect();
    await open.query('BEGIN READ WRITE');
    await open.query('INSERT INTO app_writes DEFAULT VALUES');

    const ctx = stepContext();
    const result = await fencer.fence(primary, ctx);

    expect(result.lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(result.detail).toMatch(
      /^3 role\(s\) locked out \(app, meridian, replicator\), read-only by default, 1 session\(s\) ended, at \S+$/,
    );
    // the open transaction was ended, never committed
    await expect(open.query('COMMIT')).rejects.toThrow();
    await open.end().catch(() => {});
    // a new session of the application cannot log in at all
    expect(await applicationWrite(pair.primary)).toBe('28000');
    expect(await fencer.verify(primary, stepContext())).toEqual({
      fenced: true,
      detail:
        'fenced: read-only by default, only superusers and Meridian may log in, no application session open',
    });
    // the fence replicated: the standby carries the locked roles and the record
    await pair.waitForCatchUp();
    const [row] = await pair.query<{ roles: string[]; login: boolean }>(
      pair.standby,
      `SELECT (SELECT roles FROM meridian_fence WHERE lifted_at IS NULL) AS roles,
              (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'app') AS login`,
    );
    expect(row).toEqual({
      roles: ['app', 'meridian', 'replicator'],
      login: false,
    });
  });

  it('lifts on the promoted standby what the fence replicated, and an earlier fence left in its auto.conf, so the application writes there at once', async () => {
    await applicationWrite(pair.primary);
    await fencer.fence(primary, stepContext());
    await pair.waitForCatchUp();
    // the standby was once a fenced primary, rewound into a standby: the
    // read-only default stays in its postgresql.auto.conf
    fs.appendFileSync(
      path.join(pair.standby.dataDir, 'postgresql.auto.conf'),
      "default_transaction_read_only = 'on'\n",
    );
    await pair.query(pair.standby, 'SELECT pg_reload_conf()');
    const promoter = new PostgresPromoter();
    await promoter.promote(standby, stepContext(), {});
    expect(await inRecovery(pair.standby)).toBe(false);
    expect(await applicationWrite(pair.standby)).toBe('28000');

    const ctx = stepContext();
    await fencer.liftReplicated(standby, ctx);

    expect(ctx.lines).toEqual([
      "west-db: roles the old primary's fence locked out may log in again: app, meridian, replicator",
      'west-db: lifted default_transaction_read_only left by an earlier fence (ALTER SYSTEM RESET, reloaded)',
    ]);
    expect(await applicationWrite(pair.standby)).toBe('committed');
    expect(await promoter.inspect(standby, stepContext())).toMatchObject({
      role: 'primary',
      writable: true,
    });
    // done once: lifting again changes nothing
    const again = stepContext();
    await fencer.liftReplicated(standby, again);
    expect(again.lines).toEqual([]);
    // the old primary keeps its fence
    expect(await applicationWrite(pair.primary)).toBe('28000');
  });

  it('waits for a position a standby can reach, even when the next record would start past a page header', async () => {
    // after a WAL switch the insert position is 40 bytes into a new segment,
    // past its header: no record ends there
    await pair.query(pair.primary, 'SELECT pg_switch_wal()');
    const [{ lsn, insert }] = await pair.query<{ lsn: string; insert: string }>(
      pair.primary,
      `SELECT (${LAST_RECORD_END_SQL}) AS lsn, pg_current_wal_insert_lsn()::text AS insert`,
    );
    expect(lsn).not.toBe(insert);
    await pair.waitForCatchUp();
    const deadline = Date.now() + 10_000;
    let replayed = false;
    while (!replayed && Date.now() < deadline) {
      [{ replayed }] = await pair.query<{ replayed: boolean }>(
        pair.standby,
        'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS replayed',
        [lsn],
      );
    }
    expect(replayed).toBe(true);
  });

  it('never calls a node that does not answer fenced', async () => {
    pair.freeze(pair.primary);
    try {
      const verdict = await fencer.verify(primary, stepContext());
      expect(verdict).toMatchObject({ fenced: false, unreachable: true });
      expect(verdict.detail).toMatch(
        /^cannot check the fence of east-db: no answer within 3 s connecting$/,
      );
    } finally {
      pair.thaw(pair.primary);
    }
    await pair.stopNode(pair.primary, 'immediate');
    expect(await fencer.verify(primary, stepContext())).toEqual({
      fenced: false,
      unreachable: true,
      detail: 'cannot check the fence of east-db: connection refused',
    });
  });
});
