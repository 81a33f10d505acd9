/*
 * An OpenCost-shaped `/allocation` server on loopback, for runs that need a
 * real HTTP cost source (the end-to-end backend): the same answers as the
 * msw fake of the cost tests (allocationSets), served by node:http.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  allocationSets,
  FakeOpenCost,
} from '../collectors/cost/__testUtils__/openCost';

const RFC3339_PAIR =
  /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ),(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$/;

export interface OpenCostLab {
  /** The `regions.opencost.baseUrl` to configure. */
  baseUrl: string;
  stop(): Promise<void>;
}

/** Serves `fake` on 127.0.0.1 at a port the system picks. */
export async function startOpenCost(fake: FakeOpenCost): Promise<OpenCostLab> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://opencost');
    if (req.method !== 'GET' || url.pathname !== '/allocation') {
      res.writeHead(404).end('GET /allocation\n');
      return;
    }
    const window = url.searchParams.get('window') ?? '';
    const match = RFC3339_PAIR.exec(window);
    // OpenCost answers a window it cannot parse in plain text
    if (!match) {
      res
        .writeHead(400, { 'content-type': 'text/plain' })
        .end(`Invalid 'window' parameter: invalid window: ${window}`);
      return;
    }
    const sets = allocationSets(
      fake,
      new Date(match[1]),
      new Date(match[2]),
      url.searchParams.get('includeIdle') === 'true',
    );
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ code: 200, status: 'success', data: sets }));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    stop: () => new Promise(resolve => server.close(() => resolve())),
  };
}
