import { mockServices } from '@backstage/backend-test-utils';
import {
  CidrAllocationResponse,
  CidrPoolsResponse,
  ReadinessResponse,
} from '@meridian/plugin-regions-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { RegionsBackendOptions } from '../actions/regionsBackend';

/** A request the stand-in received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  authorization?: string;
  body?: any;
}

/**
 * A stand-in for the regions backend's readiness, pools, allocations and
 * landings routes on a free loopback port, answering payloads of the shared
 * API types and errors in Backstage's error shape.
 */
export async function startRegionsBackendStandIn() {
  const readiness = new Map<string, ReadinessResponse>();
  const received: ReceivedRequest[] = [];
  let pools: CidrPoolsResponse = { pools: [] };
  let allocation: CidrAllocationResponse | { status: number; message: string } =
    { status: 500, message: 'no allocation prepared' };

  const server = http.createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) {
      raw += chunk;
    }
    const path = req.url ?? '';
    received.push({
      method: req.method ?? '',
      path,
      authorization: req.headers.authorization,
      body: raw ? JSON.parse(raw) : undefined,
    });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, name: string, message: string) =>
      send(status, {
        error: { name, message },
        response: { statusCode: status },
      });

    const readinessMatch = path.match(
      /^\/api\/regions\/regions\/([^/]+)\/([^/]+)\/readiness$/,
    );
    if (req.method === 'GET' && readinessMatch) {
      const ref = `region:${readinessMatch[1]}/${readinessMatch[2]}`;
      const found = readiness.get(ref);
      if (found) {
        send(200, found);
      } else {
        error(404, 'NotFoundError', `No region ${ref} in the catalog`);
      }
    } else if (req.method === 'GET' && path === '/api/regions/pools') {
      send(200, pools);
    } else if (req.method === 'POST' && path === '/api/regions/allocations') {
      if ('message' in allocation) {
        error(allocation.status, 'ConflictError', allocation.message);
      } else {
        send(allocation.created ? 201 : 200, allocation);
      }
    } else if (req.method === 'POST' && path === '/api/regions/landings') {
      send(201, raw ? JSON.parse(raw) : {});
    } else {
      error(404, 'NotFoundError', `no route ${req.method} ${path}`);
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/api`;

  const options: RegionsBackendOptions = {
    discovery: {
      getBaseUrl: async pluginId => `${baseUrl}/${pluginId}`,
      getExternalBaseUrl: async pluginId => `${baseUrl}/${pluginId}`,
    },
    auth: mockServices.auth(),
  };

  return {
    options,
    received,
    setReadiness(region: string, score: number, failing: string[] = []) {
      readiness.set(region, readinessOf(region, score, failing));
    },
    setPools(next: CidrPoolsResponse) {
      pools = next;
    },
    setAllocation(next: typeof allocation) {
      allocation = next;
    },
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

/** A readiness answer as the readiness route gives it, with failing checks. */
function readinessOf(
  region: string,
  score: number,
  failing: string[],
): ReadinessResponse {
  const evaluatedAt = '2026-12-01T12:00:00.000Z';
  return {
    region,
    score,
    threshold: 94,
    ready: score >= 94,
    evaluatedAt,
    history: [{ t: evaluatedAt, score }],
    categories: [
      {
        id: 'backup-dr',
        title: 'Backup and DR',
        score,
        weight: 1,
        checks: [
          {
            id: 'replication-lag',
            title: 'Replication lag within RPO',
            category: 'backup-dr',
            result: 'passed',
            evidence: 'lag within RPO in 99.7 % of the last 24 h',
            weight: 1,
            evaluatedAt,
          },
          ...failing.map(title => ({
            id: title.toLowerCase().replace(/\W+/g, '-'),
            title,
            category: 'backup-dr' as const,
            result: 'failed' as const,
            evidence: 'no evidence in the last 7 days',
            weight: 1,
            evaluatedAt,
          })),
        ],
      },
    ],
  };
}
