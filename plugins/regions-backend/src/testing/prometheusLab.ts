import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from './ports';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';

/**
 * Processes a test starts, each in its own process group so that teardown
 * (or the test worker's exit) kills it and its children.
 */
export class ChildProcesses {
  private readonly children: ChildProcess[] = [];
  private readonly killOnExit = () => this.killAll();

  constructor() {
    process.once('exit', this.killOnExit);
  }

  /** Starts `bin`; answers a function that returns the tail of its stderr. */
  start(bin: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    const child = spawn(bin, args, {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stderr = '';
    child.stderr!.on('data', chunk => {
      stderr = (stderr + chunk).slice(-4_000);
    });
    this.children.push(child);
    return () => stderr;
  }

  killAll() {
    for (const child of this.children) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    process.removeListener('exit', this.killOnExit);
  }
}

/** Polls `ready` every 200 ms; throws with `logs()` after `timeoutMs`. */
export async function waitFor(
  what: string,
  ready: () => Promise<boolean>,
  logs: () => string,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) {
      throw new Error(`${what} not within ${timeoutMs} ms; logs:\n${logs()}`);
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

/** A scrape job: its name and its targets (`host:port`), each with labels. */
export interface ScrapeJob {
  name: string;
  targets: { address: string; labels?: Record<string, string> }[];
}

/** A real Prometheus (Debian's `prometheus`) on a free loopback port, scraping every second. */
export interface PrometheusLab {
  url: string;
  /** An instant query's result vector; empty while Prometheus does not answer. */
  query(query: string): Promise<unknown[]>;
  /** Prometheus' stderr tail. */
  logs(): string;
  stop(): Promise<void>;
}

class PortTakenError extends Error {
  constructor(url: string) {
    super(`another Prometheus took ${url} before ours bound it`);
  }
}

/**
 * Whether the Prometheus at `url` is ready and is the one started with
 * `configFile`: another lab's may have bound the port first (testing/ports.ts).
 */
async function isOurs(url: string, configFile: string): Promise<boolean> {
  const ready = await fetch(`${url}/-/ready`).catch(() => undefined);
  if (!ready?.ok) {
    return false;
  }
  const flags = await fetch(`${url}/api/v1/status/flags`).catch(
    () => undefined,
  );
  const started = flags?.ok ? ((await flags.json()) as any).data : {};
  if (started['config.file'] !== configFile) {
    throw new PortTakenError(url);
  }
  return true;
}

/**
 * `routePrefix` serves the API under a path (`--web.route-prefix`), as Thanos
 * Query or a gateway in front of Prometheus does; `url` then includes it.
 */
export async function startPrometheus(
  jobs: ScrapeJob[],
  options: { routePrefix?: string; attempts?: number } = {},
): Promise<PrometheusLab> {
  const { routePrefix = '', attempts = 3 } = options;
  if (!fs.existsSync(PROMETHEUS_BIN)) {
    throw new Error(
      `${PROMETHEUS_BIN} is not installed: run scripts/test.sh, which installs the Debian package prometheus`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-prometheus-'));
  const configFile = path.join(dir, 'prometheus.yml');
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    scrape_configs: jobs.map(job => ({
      job_name: job.name,
      static_configs: job.targets.map(target => ({
        targets: [target.address],
        labels: target.labels ?? {},
      })),
    })),
  };
  // JSON is YAML: no YAML writer needed.
  fs.writeFileSync(configFile, JSON.stringify(config));
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}${routePrefix}`;
  const processes = new ChildProcesses();
  const logs = processes.start(PROMETHEUS_BIN, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    ...(routePrefix ? [`--web.route-prefix=${routePrefix}`] : []),
  ]);
  const query = async (promql: string): Promise<unknown[]> => {
    const response = await fetch(
      `${url}/api/v1/query?${new URLSearchParams({ query: promql })}`,
    ).catch(() => undefined);
    if (!response?.ok) {
      return [];
    }
    return ((await response.json()) as any).data.result;
  };
  const stop = async () => {
    processes.killAll();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('Prometheus ready', () => isOurs(url, configFile), logs);
  } catch (error) {
    await stop();
    if (error instanceof PortTakenError && attempts > 1) {
      return startPrometheus(jobs, { ...options, attempts: attempts - 1 });
    }
    throw error;
  }
  return { url, query, logs, stop };
}

/**
 * An HTTP endpoint serving `/metrics` in the text exposition format, whose
 * content the test sets: what a blackbox exporter would expose.
 */
export async function serveMetrics(initial = '') {
  let text = initial;
  const server = http.createServer((req, res) => {
    res.writeHead(req.url === '/metrics' ? 200 : 404, {
      'content-type': 'text/plain; version=0.0.4',
    });
    res.end(req.url === '/metrics' ? text : '');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    set(metrics: string) {
      text = metrics;
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
