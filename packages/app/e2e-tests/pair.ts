/*
 * The real PostgreSQL pair and DNS record of the run, read directly: which
 * node is a standby (pg_is_in_recovery on the node itself) and what the
 * record answers. A switchover earlier in the run leaves the old primary
 * fenced; ensureStreamingPair rewinds it into a standby, as the failback
 * runbook does, and ensurePrimary switches over through the backend when the
 * other node is the primary: each test sets up the pair it needs, in any order.
 */
import { Resolver } from 'node:dns/promises';
import { APIRequestContext, expect } from '@playwright/test';
import { Client } from 'pg';
import {
  backendUrl,
  E2E_ADDRESSES,
  E2E_RECORD,
  guestHeaders,
  readStack,
  rewindAsStandby,
} from './stack';

export type PairNode = keyof typeof E2E_ADDRESSES;

/** Whether each node is in recovery (a standby) or not (a primary, maybe fenced). */
export async function roles(): Promise<
  Record<PairNode, 'primary' | 'standby'>
> {
  const { databases } = readStack();
  const out = {} as Record<PairNode, 'primary' | 'standby'>;
  for (const node of Object.keys(databases) as PairNode[]) {
    const client = new Client({ connectionString: databases[node] });
    await client.connect();
    try {
      const { rows } = await client.query('select pg_is_in_recovery() as r');
      out[node] = rows[0].r ? 'standby' : 'primary';
    } finally {
      await client.end();
    }
  }
  return out;
}

/** What the run's PowerDNS answers for the switched record. */
export async function resolveRecord(): Promise<string[]> {
  const resolver = new Resolver();
  resolver.setServers([`127.0.0.1:${readStack().dnsPort}`]);
  return resolver.resolve4(E2E_RECORD);
}

/**
 * Makes sure one node streams from the other: the node the record points at
 * is the primary; the other, when it is not in recovery (fenced by a
 * switchover), is rewound into its standby. Answers the primary.
 */
export async function ensureStreamingPair(
  request: APIRequestContext,
): Promise<{ primary: PairNode; standby: PairNode }> {
  const [address] = await resolveRecord();
  const primary = (Object.keys(E2E_ADDRESSES) as PairNode[]).find(
    node => E2E_ADDRESSES[node] === address,
  )!;
  const standby: PairNode = primary === 'us-east' ? 'us-west' : 'us-east';
  if ((await roles())[standby] !== 'standby') {
    await rewindAsStandby(request, standby);
  }
  return { primary, standby };
}

/**
 * Makes `node` the primary of a pair whose standby the backend has seen
 * streaming: a switchover to the standby would pass its pre-flight. When the
 * other node is the primary, a forced switchover runs through the backend, as
 * an operator would start it (a node promoted behind the backend's back would
 * be fenced again), and the old primary is rewound into the standby.
 */
export async function ensurePrimary(
  request: APIRequestContext,
  node: PairNode,
): Promise<void> {
  const headers = await guestHeaders(request);
  const pair = await ensureStreamingPair(request);
  const switchover = {
    region: `region:default/${pair.primary}`,
    target: `region:default/${pair.standby}`,
    mode: 'switchover',
    force: true,
  };
  // the replication collector sees a rewound standby stream within seconds
  await expect
    .poll(
      async () => {
        const res = await request.post(
          `${backendUrl}/api/regions/failovers/preflight`,
          { headers, data: switchover },
        );
        return (await res.json()).ok;
      },
      { timeout: 90_000, intervals: [2_000] },
    )
    .toBe(true);
  if (pair.primary === node) return;

  const run = await runFailover(request, headers, switchover);
  expect(run.status, JSON.stringify(run)).toBe('succeeded');
  await ensurePrimary(request, node);
}

/**
 * Starts a failover run through the backend's REST API, as the portal does,
 * and answers the run, as GET /failovers/:id does, once it has ended.
 */
export async function runFailover(
  request: APIRequestContext,
  headers: Record<string, string>,
  body: { region: string; target: string; mode: string; force?: boolean },
): Promise<any> {
  const started = await request.post(`${backendUrl}/api/regions/failovers`, {
    headers,
    data: body,
  });
  expect(started.status(), await started.text()).toBe(202);
  const { id } = await started.json();
  let run: any;
  await expect
    .poll(
      async () => {
        run = await (
          await request.get(`${backendUrl}/api/regions/failovers/${id}`, {
            headers,
          })
        ).json();
        return run.status;
      },
      { timeout: 90_000, intervals: [1_000] },
    )
    .toMatch(/^(succeeded|failed|refused|interrupted|cancelled|expired)$/);
  return run;
}
