import fs from 'node:fs';
import net from 'node:net';

/*
 * Ports for the services tests start (PostgreSQL, Prometheus, etcd, Patroni,
 * PowerDNS), which cannot bind port 0 and report theirs: a port is found free,
 * released, and bound by the service a moment later. The kernel hands out the
 * local ports of outgoing connections (and listen(0)'s) from its ephemeral
 * range, so a port from that range can be taken in between by any connection
 * on the machine. Below that range a port is only ever taken by an explicit
 * bind: picked at random there, the only race left is another lab picking
 * the same port in the same instant, which the labs tell by checking that the
 * service that answers is theirs.
 */

const LOWEST = 10_000;

/** The first port of the kernel's ephemeral range (32768 by default). */
function ephemeralRangeStart(): number {
  try {
    const [start] = fs
      .readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    return start > LOWEST + 1_000 ? start : 32_768;
  } catch {
    return 32_768;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A loopback TCP port nothing listens on right now, outside the ephemeral range. */
export async function findFreePort(): Promise<number> {
  const highest = ephemeralRangeStart() - 1;
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (highest - LOWEST + 1));
    if (await isFree(port)) {
      return port;
    }
  }
  throw new Error(`no free loopback port between ${LOWEST} and ${highest}`);
}

/** `count` distinct free loopback ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) {
    ports.add(await findFreePort());
  }
  return [...ports];
}
