import http from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A region's front door on loopback, as its probes see it: answers every
 * request with `status` and counts them; `stop` makes it go dark
 * (connections refused).
 */
export async function startHealthEndpoint(options: { status?: number } = {}) {
  let requests = 0;
  const server = http.createServer((_req, res) => {
    requests++;
    res.statusCode = options.status ?? 200;
    res.end(res.statusCode < 400 ? 'ok' : 'unavailable');
  });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/healthz`,
    requests: () => requests,
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
