import { ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';

/** A server a test started on loopback. */
export interface Endpoint {
  port: number;
  /** `http://127.0.0.1:port` or `tcp://127.0.0.1:port`. */
  url: string;
  close(): Promise<void>;
}

function listening(
  server: net.Server,
  scheme: 'http' | 'tcp',
): Promise<Endpoint> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        port,
        url: `${scheme}://127.0.0.1:${port}`,
        close: () =>
          new Promise(done => {
            // hung requests would hold close() forever
            (server as http.Server).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

/** An HTTP server answering every request with `handler`. */
export function startHttpEndpoint(
  handler: http.RequestListener,
): Promise<Endpoint> {
  return listening(http.createServer(handler), 'http');
}

/** A TCP server that accepts connections and closes them. */
export function startTcpEndpoint(): Promise<Endpoint> {
  return listening(
    net.createServer(socket => socket.end()),
    'tcp',
  );
}

/** A loopback port nothing listens on (connections are refused). */
export async function refusedPort(): Promise<number> {
  const endpoint = await listening(net.createServer(), 'tcp');
  await endpoint.close();
  return endpoint.port;
}

/**
 * An HTTP server (answering 200 `ok`) in a child process of its own, so a
 * test can freeze it (SIGSTOP) and thaw it (SIGCONT) by its PID.
 */
export interface ChildEndpoint extends Endpoint {
  pid: number;
  freeze(): void;
  thaw(): void;
}

const CHILD_SERVER = `
const server = require('node:http').createServer((req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

export async function startChildHttpEndpoint(): Promise<ChildEndpoint> {
  const child: ChildProcess = spawn(process.execPath, ['-e', CHILD_SERVER], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', code => reject(new Error(`server exited ${code}`)));
    child.stdout!.once('data', chunk => resolve(Number(String(chunk).trim())));
  });
  const pid = child.pid!;
  return {
    pid,
    port,
    url: `http://127.0.0.1:${port}`,
    freeze: () => process.kill(pid, 'SIGSTOP'),
    thaw: () => process.kill(pid, 'SIGCONT'),
    close: async () => {
      process.removeListener('exit', killOnExit);
      // a frozen process dies on SIGKILL too
      child.kill('SIGKILL');
    },
  };
}
