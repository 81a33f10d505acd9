import fs from 'node:fs';
import net from 'node:net';
import { Client } from 'pg';
import { startPostgresPair } from './postgresLab';

jest.setTimeout(60_000);

function accepts(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('startPostgresPair', () => {
  it('starts a standby streaming through its slot, with a pg_monitor-only role, and tears it all down', async () => {
    const lab = await startPostgresPair();
    try {
      const [standby] = await lab.query<{ state: string; slot: string }>(
        lab.primary,
        `SELECT r.state, s.slot_name AS slot
           FROM pg_stat_replication r JOIN pg_replication_slots s ON s.active_pid = r.pid
          WHERE r.application_name = $1`,
        [lab.standby.name],
      );
      expect(standby).toEqual({ state: 'streaming', slot: lab.standby.name });
      const [{ recovery }] = await lab.query<{ recovery: boolean }>(
        lab.standby,
        'SELECT pg_is_in_recovery() AS recovery',
      );
      expect(recovery).toBe(true);

      const monitoring = new Client({
        connectionString: lab.primary.monitoringConnectionString,
      });
      await monitoring.connect();
      const { rows } = await monitoring
        .query(
          `SELECT rolsuper, pg_has_role('pg_monitor', 'member') AS monitor
             FROM pg_roles WHERE rolname = current_user`,
        )
        .finally(() => monitoring.end());
      expect(rows).toEqual([{ rolsuper: false, monitor: true }]);
    } finally {
      await lab.stop();
      await lab.stop();
    }
    expect(fs.existsSync(lab.dir)).toBe(false);
    expect(await accepts(lab.primary.port)).toBe(false);
    expect(await accepts(lab.standby.port)).toBe(false);
  });
});
