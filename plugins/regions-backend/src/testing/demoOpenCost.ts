/*
 * The demo OpenCost: OpenCost's `/allocation` API (the shape
 * OpenCostCostSource reads: `window=<from>,<to>&aggregate=cluster&step=1d`)
 * answering generated, deterministic daily costs for a set of clusters, so
 * that the Cost tab, the month-to-date column and the budgets show real
 * behaviour on a laptop without Kubernetes. scripts/start.sh serves it (see
 * scripts/demo-opencost.ts) with `regions.opencost.demo: true`, which labels
 * every cost view "demo data".
 */
import { RegionEntity } from '@meridian/plugin-regions-common';
import { ANNOTATION_OPENCOST_CLUSTERS } from '@meridian/plugin-regions-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';

const DAY_MS = 86_400_000;
const GIB = 1024 ** 3;

/** A cluster the demo OpenCost prices, and the monthly spend it hovers around. */
export interface DemoCluster {
  name: string;
  /** Around what a 30-day month of this cluster costs. */
  monthly: number;
  /** Clusters with GPUs spend part of it there. */
  gpu: boolean;
}

/**
 * The clusters of a set of regions: each region's `meridian.dev/opencost-clusters`
 * (or its name), around its budget when it has one (1,000 a month when not),
 * split evenly among its clusters. A region whose name hashes low runs over
 * its budget, one in the middle is at risk, the rest within it.
 */
export function demoClustersOf(regions: RegionEntity[]): DemoCluster[] {
  return regions.flatMap(region => {
    const names = region.metadata.annotations?.[
      ANNOTATION_OPENCOST_CLUSTERS
    ]?.split(',')
      .map(c => c.trim())
      .filter(Boolean) ?? [region.metadata.name];
    const budget = region.spec.budget?.monthly ?? 1000;
    // 0.80–1.12 of the budget: some regions end the month over it
    const factor = 0.8 + 0.32 * unit(`budget:${region.metadata.name}`);
    const gpu = (region.spec.capabilities ?? []).some(c => /gpu/.test(c));
    return names.map(name => ({
      name,
      monthly: (budget * factor) / names.length,
      gpu,
    }));
  });
}

/** A deterministic number in [0, 1) for a key (FNV-1a). */
function unit(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 2 ** 32;
}

/** OpenCost rounds every field to 5 decimals. */
function round(value: number): number {
  return Math.round(value * 1e5) / 1e5;
}

/**
 * One cluster's allocation for one UTC day, as OpenCost answers it: the
 * buckets add up to `totalCost`; `share` (0–1] is how much of the day has
 * passed, for today.
 */
export function demoAllocation(
  cluster: DemoCluster,
  dayStart: Date,
  share = 1,
): Record<string, unknown> {
  const day = dayStart.toISOString().slice(0, 10);
  const weekday = dayStart.getUTCDay();
  // weekends run lighter; every day varies by ±8 %
  const load =
    (weekday === 0 || weekday === 6 ? 0.85 : 1.06) *
    (0.92 + 0.16 * unit(`${cluster.name}:${day}`));
  const daily = (cluster.monthly / 30) * load * share;
  const fields = {
    cpuCost: round(daily * (cluster.gpu ? 0.3 : 0.45)),
    gpuCost: round(daily * (cluster.gpu ? 0.25 : 0)),
    ramCost: round(daily * (cluster.gpu ? 0.2 : 0.3)),
    pvCost: round(daily * 0.12),
    networkCost: round(daily * 0.07),
    loadBalancerCost: round(daily * 0.04),
    sharedCost: round(daily * 0.02),
    externalCost: 0,
  };
  const totalCost = round(
    Object.values(fields).reduce((sum, value) => sum + value, 0),
  );
  const cores = Math.max(1, Math.round(cluster.monthly / 400));
  const minutes = 1440 * share;
  return {
    name: cluster.name,
    properties: { cluster: cluster.name },
    window: {
      start: dayStart.toISOString(),
      end: new Date(dayStart.getTime() + DAY_MS).toISOString(),
    },
    start: dayStart.toISOString(),
    end: new Date(dayStart.getTime() + minutes * 60_000).toISOString(),
    minutes,
    cpuCoreRequestAverage: cores,
    cpuCoreUsageAverage: round(cores * (0.45 + 0.3 * unit(`cpu:${day}`))),
    ramByteRequestAverage: cores * 4 * GIB,
    ramByteUsageAverage: Math.round(
      cores * 4 * GIB * (0.6 + 0.25 * unit(`ram:${day}`)),
    ),
    ...fields,
    cpuCostAdjustment: 0,
    gpuCostAdjustment: 0,
    ramCostAdjustment: 0,
    pvCostAdjustment: 0,
    networkCostAdjustment: 0,
    loadBalancerCostAdjustment: 0,
    totalCost,
  };
}

/** The sets of `/allocation?window=<from>,<to>&step=1d`: one per UTC day, today's partial, none ahead. */
export function demoAllocationSets(
  clusters: DemoCluster[],
  from: Date,
  to: Date,
  now: Date,
): Array<Record<string, unknown>> {
  const sets: Array<Record<string, unknown>> = [];
  for (let t = from.getTime(); t < to.getTime(); t += DAY_MS) {
    const share = Math.min(1, Math.max(0, (now.getTime() - t) / DAY_MS));
    sets.push(
      share === 0
        ? {}
        : Object.fromEntries(
            clusters.map(c => [c.name, demoAllocation(c, new Date(t), share)]),
          ),
    );
  }
  return sets;
}

function parseWindow(window: string | null): { from: Date; to: Date } {
  const [from, to] = (window ?? '').split(',').map(part => new Date(part));
  if (!from || !to || Number.isNaN(from.getTime() + to.getTime())) {
    throw new Error(
      `window "${window}" is not an RFC3339 pair like 2026-11-01T00:00:00Z,2026-11-02T00:00:00Z (the demo OpenCost reads only that form)`,
    );
  }
  return { from, to };
}

/** Serves the demo OpenCost on 127.0.0.1:`port` (0: a free port). */
export async function startDemoOpenCost(options: {
  clusters: DemoCluster[];
  port?: number;
  clock?: () => Date;
}): Promise<{ url: string; close(): Promise<void> }> {
  const now = () => options.clock?.() ?? new Date();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (
      url.pathname !== '/allocation' &&
      url.pathname !== '/allocation/compute'
    ) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    try {
      const { from, to } = parseWindow(url.searchParams.get('window'));
      const data = demoAllocationSets(options.clusters, from, to, now());
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 200, status: 'success', data }));
    } catch (error) {
      // OpenCost answers a bad window in plain text
      res
        .writeHead(400, { 'content-type': 'text/plain' })
        .end((error as Error).message);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
