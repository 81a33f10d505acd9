import { Client, Pool } from 'pg';
import { withClient } from './pooledClient';

// The machine's PostgreSQL, as the Backstage database tests use it.
const CONNECTION =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
  'postgresql://postgres@127.0.0.1:5432';

describe('withClient', () => {
  let pool: Pool;
  let admin: Client;

  beforeEach(async () => {
    pool = new Pool({ connectionString: CONNECTION, max: 1 });
    admin = new Client({ connectionString: CONNECTION });
    await admin.connect();
  });

  afterEach(async () => {
    await admin.end();
    await pool.end();
  });

  const backendPid = async (client: { query: Client['query'] }) =>
    (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))
      .rows[0].pid;

  it('survives the server ending the connection between two queries, and hands out a fresh one next', async () => {
    const signal = new AbortController().signal;
    const first = await withClient(pool, signal, async client => {
      const pid = await backendPid(client);
      // the server ends the connection while no query runs on it, as a
      // stopped or fenced node does: unheard, its error event would crash
      const ended = new Promise(resolve => client.once('end', resolve));
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await ended;
      return pid;
    });

    const second = await withClient(pool, signal, backendPid);
    expect(second).not.toBe(first);
  });

  it('reuses a healthy connection', async () => {
    const signal = new AbortController().signal;
    const first = await withClient(pool, signal, backendPid);
    expect(await withClient(pool, signal, backendPid)).toBe(first);
  });

  it('stops waiting when the signal aborts mid-query (not 30 s), and the pool goes on', async () => {
    const controller = new AbortController();
    let running: () => void;
    const started = new Promise<void>(resolve => {
      running = resolve;
    });
    const sleeping = withClient(pool, controller.signal, async client => {
      const query = client.query('SELECT pg_sleep(30)');
      running();
      return query;
    });
    await started;
    controller.abort(new Error('step aborted'));
    // the destroyed connection fails the query now; pg_sleep(30) would outlast the test's 5 s
    await expect(sleeping).rejects.toThrow('Connection terminated');
    // the only connection was destroyed, not left busy: a new one answers
    expect(
      await withClient(pool, new AbortController().signal, backendPid),
    ).toEqual(expect.any(Number));
  });
});
