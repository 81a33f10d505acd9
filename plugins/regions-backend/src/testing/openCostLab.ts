/*
 * OpenCost's `/allocation` answers as OpenCost computes them (the `{code,
 * status, data}` envelope, one set per `step=1d` day keyed by cluster, one
 * merged `__idle__` entry per set with `includeIdle=true`, every field of
 * `AllocationJSON` rounded to 5 decimals), used by the msw fake of the cost
 * tests, and an OpenCost-shaped server on loopback for runs that need a real
 * HTTP cost source (the end-to-end backend).
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';

/** The costs of one cluster on one day, as OpenCost's raw fields. */
export interface ClusterDayFields {
  cpuCost?: number;
  cpuCostAdjustment?: number;
  gpuCost?: number;
  gpuCostAdjustment?: number;
  ramCost?: number;
  ramCostAdjustment?: number;
  pvCost?: number;
  pvCostAdjustment?: number;
  networkCost?: number;
  networkCostAdjustment?: number;
  loadBalancerCost?: number;
  loadBalancerCostAdjustment?: number;
  sharedCost?: number;
  externalCost?: number;
  cpuCoreRequestAverage?: number;
  cpuCoreUsageAverage?: number;
  ramByteRequestAverage?: number;
  ramByteUsageAverage?: number;
}

export interface FakeOpenCost {
  /** Each cluster's fields for a UTC day (`YYYY-MM-DD`); undefined: no data that day. */
  clusters: Record<string, (day: string) => ClusterDayFields | undefined>;
  /** The merged idle cost of the instance for a day. */
  idle?: (day: string) => number;
}

const round = (value: number) => Math.round(value * 1e5) / 1e5;

const COST_FIELDS = [
  'cpuCost',
  'cpuCostAdjustment',
  'gpuCost',
  'gpuCostAdjustment',
  'ramCost',
  'ramCostAdjustment',
  'pvCost',
  'pvCostAdjustment',
  'networkCost',
  'networkCostAdjustment',
  'loadBalancerCost',
  'loadBalancerCostAdjustment',
  'sharedCost',
  'externalCost',
] as const;

function efficiency(usage: number, request: number, cost: number) {
  if (request > 0) {
    return usage / request;
  }
  return usage > 0 && cost > 0 ? 1 : 0;
}

/** A full allocation, totals and efficiencies computed as OpenCost computes them. */
export function allocation(
  name: string,
  properties: Record<string, string>,
  start: string,
  end: string,
  fields: ClusterDayFields,
): Record<string, unknown> {
  const f = (key: keyof ClusterDayFields) => fields[key] ?? 0;
  const minutes = (Date.parse(end) - Date.parse(start)) / 60_000;
  const cpuTotal = f('cpuCost') + f('cpuCostAdjustment');
  const ramTotal = f('ramCost') + f('ramCostAdjustment');
  const cpuEfficiency = efficiency(
    f('cpuCoreUsageAverage'),
    f('cpuCoreRequestAverage'),
    cpuTotal,
  );
  const ramEfficiency = efficiency(
    f('ramByteUsageAverage'),
    f('ramByteRequestAverage'),
    ramTotal,
  );
  const totalCost = COST_FIELDS.reduce((sum, key) => sum + f(key), 0);
  return {
    name,
    properties,
    window: { start, end },
    start,
    end,
    minutes,
    cpuCores: f('cpuCoreRequestAverage'),
    cpuCoreRequestAverage: f('cpuCoreRequestAverage'),
    cpuCoreUsageAverage: f('cpuCoreUsageAverage'),
    cpuCoreHours: round((f('cpuCoreRequestAverage') * minutes) / 60),
    cpuCost: round(f('cpuCost')),
    cpuCostAdjustment: round(f('cpuCostAdjustment')),
    cpuCostIdle: 0,
    cpuEfficiency: round(cpuEfficiency),
    gpuCount: 0,
    gpuRequestAverage: 0,
    gpuUsageAverage: 0,
    gpuHours: 0,
    gpuCost: round(f('gpuCost')),
    gpuCostAdjustment: round(f('gpuCostAdjustment')),
    gpuCostIdle: 0,
    gpuEfficiency: 0,
    networkTransferBytes: 0,
    networkReceiveBytes: 0,
    networkCost: round(f('networkCost')),
    networkCrossZoneCost: 0,
    networkCrossRegionCost: 0,
    networkInternetCost: round(f('networkCost')),
    networkCostAdjustment: round(f('networkCostAdjustment')),
    loadBalancerCost: round(f('loadBalancerCost')),
    loadBalancerCostAdjustment: round(f('loadBalancerCostAdjustment')),
    lbAllocations: null,
    pvBytes: 0,
    pvByteHours: 0,
    pvCost: round(f('pvCost')),
    pvs: null,
    pvCostAdjustment: round(f('pvCostAdjustment')),
    ramBytes: f('ramByteRequestAverage'),
    ramByteRequestAverage: f('ramByteRequestAverage'),
    ramByteUsageAverage: f('ramByteUsageAverage'),
    ramByteHours: round((f('ramByteRequestAverage') * minutes) / 60),
    ramCost: round(f('ramCost')),
    ramCostAdjustment: round(f('ramCostAdjustment')),
    ramCostIdle: 0,
    ramEfficiency: round(ramEfficiency),
    externalCost: round(f('externalCost')),
    sharedCost: round(f('sharedCost')),
    totalCost: round(totalCost),
    totalEfficiency:
      cpuTotal + ramTotal > 0
        ? round(
            (cpuEfficiency * cpuTotal + ramEfficiency * ramTotal) /
              (cpuTotal + ramTotal),
          )
        : 0,
  };
}

export const RFC3339_PAIR =
  /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ),(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$/;

/** The sets OpenCost answers for a window of whole days with `step=1d`. */
export function allocationSets(
  fake: FakeOpenCost,
  from: Date,
  to: Date,
  includeIdle: boolean,
) {
  const sets: Record<string, unknown>[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += 86_400_000) {
    const start = new Date(t).toISOString().replace('.000Z', 'Z');
    const end = new Date(t + 86_400_000).toISOString().replace('.000Z', 'Z');
    const day = start.slice(0, 10);
    const set: Record<string, unknown> = {};
    for (const [cluster, fieldsOf] of Object.entries(fake.clusters)) {
      const fields = fieldsOf(day);
      if (fields) {
        set[cluster] = allocation(cluster, { cluster }, start, end, fields);
      }
    }
    const idle = fake.idle?.(day) ?? 0;
    if (includeIdle && idle > 0) {
      set.__idle__ = allocation('__idle__', {}, start, end, {
        cpuCost: idle * 0.7,
        ramCost: idle * 0.3,
      });
    }
    sets.push(set);
  }
  return sets;
}

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
