/*
 * The backend of the end-to-end run, on real services: a PostgreSQL primary
 * for the example region us-east with a streaming standby for us-west, and a
 * PowerDNS whose api.meridian.test. points at us-east and an OpenCost-shaped
 * cost server (the test labs of regions-backend, on free loopback ports), then the backend with
 * `regions.databases` and `regions.traffic` pointing at them through
 * environment variables that app-config.e2e.yaml reads. Playwright starts it
 * as a web server and stops it with SIGTERM; the labs stop with it. The tests
 * find the DNS port, and the lab control that does the runbooks' manual
 * steps, in e2e-stack.json (see stack.ts).
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs scripts/e2e-backend.ts
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  PostgresPair,
  startPostgresPair,
} from '../plugins/regions-backend/src/testing/postgresLab';
import { startOpenCost } from '../plugins/regions-backend/src/testing/openCostLab';
import { startPowerDns } from '../plugins/regions-backend/src/testing/powerDnsLab';
import {
  E2E_ADDRESSES,
  E2E_DAILY_COSTS,
  E2E_RECORD,
  E2E_ZONE,
  stackFile,
} from '../packages/app/e2e-tests/stack';

async function main() {
  const pair = await startPostgresPair({ names: ['us_east', 'us_west'] });
  const dns = await startPowerDns();
  await dns.createZone(E2E_ZONE, [
    { name: E2E_RECORD, type: 'A', content: E2E_ADDRESSES['us-east'], ttl: 5 },
  ]);
  // the same costs every day, so that tests can work out the figures shown
  const openCost = await startOpenCost({
    clusters: Object.fromEntries(
      Object.entries(E2E_DAILY_COSTS).map(([cluster, fields]) => [
        cluster,
        () => fields,
      ]),
    ),
  });
  const lab = await serveLabControl(pair);
  fs.writeFileSync(
    stackFile,
    JSON.stringify({
      dnsPort: dns.dnsPort,
      labUrl: lab.url,
      databases: {
        'us-east': pair.primary.superuserConnectionString,
        'us-west': pair.standby.superuserConnectionString,
      },
    }),
  );
  console.log(
    `e2e: us-east-db on 127.0.0.1:${pair.primary.port}, us-west-db on 127.0.0.1:${pair.standby.port}, DNS on 127.0.0.1:${dns.dnsPort}`,
  );
  // --config paths are relative to packages/backend, where the backend runs
  const backend = spawn(
    'yarn',
    [
      'start',
      'backend',
      '--config',
      '../../app-config.yaml',
      '--config',
      '../../packages/app/e2e-tests/app-config.e2e.yaml',
      // e.g. bench/app-config.bench.yaml: the bench's collector schedules
      ...(process.env.MERIDIAN_E2E_EXTRA_CONFIG
        ? ['--config', process.env.MERIDIAN_E2E_EXTRA_CONFIG]
        : []),
    ],
    {
      stdio: 'inherit',
      detached: true,
      env: {
        ...process.env,
        MERIDIAN_E2E_US_EAST_DB: pair.primary.superuserConnectionString,
        MERIDIAN_E2E_US_WEST_DB: pair.standby.superuserConnectionString,
        MERIDIAN_E2E_PDNS_URL: dns.apiUrl,
        MERIDIAN_E2E_PDNS_API_KEY: dns.apiKey,
        MERIDIAN_E2E_OPENCOST_URL: openCost.baseUrl,
      },
    },
  );

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    try {
      process.kill(-backend.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    lab.server.close();
    await Promise.all([pair.stop(), dns.stop(), openCost.stop()]);
    fs.rmSync(stackFile, { force: true });
    process.exit(code);
  };
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
  backend.on('exit', code => stop(code ?? 1));
}

/**
 * What an operator does by hand in the runbooks, for the browser tests to
 * ask on loopback: `POST /rewind?node=us-east` turns that node into a standby
 * of the other one (the failback runbook's pg_rewind steps).
 */
async function serveLabControl(pair: PostgresPair) {
  const nodes = { 'us-east': pair.primary, 'us-west': pair.standby };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://lab');
    const name = url.searchParams.get('node') as keyof typeof nodes;
    if (req.method !== 'POST' || url.pathname !== '/rewind' || !nodes[name]) {
      res.writeHead(404).end('POST /rewind?node=us-east|us-west\n');
      return;
    }
    const other = name === 'us-east' ? nodes['us-west'] : nodes['us-east'];
    try {
      await pair.rewindAsStandby(nodes[name], other);
      res.writeHead(204).end();
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
