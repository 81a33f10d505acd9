import fs from 'node:fs';
import net from 'node:net';
import { freePorts } from './ports';

describe('freePorts', () => {
  it('answers distinct ports below the ephemeral range that a service can bind', async () => {
    const [ephemeralStart] = fs
      .readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    const ports = await freePorts(5);
    expect(new Set(ports).size).toBe(5);
    for (const port of ports) {
      expect(port).toBeLessThan(ephemeralStart);
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
      });
      await new Promise(resolve => server.close(resolve));
    }
  });
});
