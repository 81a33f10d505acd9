import fs from 'node:fs';
import net from 'node:net';
import { startPatroniCluster } from './patroniLab';

jest.setTimeout(120_000);

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

describe('startPatroniCluster', () => {
  it('starts a leader and a streaming replica on etcd, guards unsafe REST calls, and tears it all down', async () => {
    const lab = await startPatroniCluster();
    const [leader, replica] = lab.members;
    const ports = [
      leader.pgPort,
      replica.pgPort,
      ...lab.members.map(member => Number(new URL(member.restUrl).port)),
      Number(new URL(lab.etcdUrl).port),
    ];
    try {
      expect(await lab.clusterState()).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: leader.name, role: 'leader' }),
          expect.objectContaining({ name: replica.name, role: 'replica' }),
        ]),
      );
      const [{ recovery }] = await lab.query<{ recovery: boolean }>(
        replica,
        'SELECT pg_is_in_recovery() AS recovery',
      );
      expect(recovery).toBe(true);

      // a row written on the leader reaches the replica
      await lab.query(leader, 'CREATE TABLE lab_probe (id int)');
      await lab.query(leader, 'INSERT INTO lab_probe VALUES (42)');
      await lab.waitForLeader(leader); // replica streaming again after the writes
      let replicated: unknown[] = [];
      for (let tries = 0; tries < 100 && replicated.length === 0; tries++) {
        replicated = await lab
          .query(replica, 'SELECT id FROM lab_probe')
          .catch(() => []); // the table may not have been replayed yet
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      expect(replicated).toEqual([{ id: 42 }]);

      // the REST API refuses a switchover without the lab's credentials
      const anonymous = await fetch(`${replica.restUrl}/switchover`, {
        method: 'POST',
        body: JSON.stringify({ leader: leader.name, candidate: replica.name }),
      });
      expect(anonymous.status).toBe(401);
      expect((await lab.clusterState()).find(m => m.role === 'leader')).toEqual(
        expect.objectContaining({ name: leader.name }),
      );
    } finally {
      await lab.stop();
      await lab.stop();
    }
    expect(fs.existsSync(lab.dir)).toBe(false);
    for (const port of ports) {
      expect(await accepts(port)).toBe(false);
    }
  });
});
