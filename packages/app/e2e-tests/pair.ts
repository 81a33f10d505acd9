/*
 * The real PostgreSQL pair and DNS record of the run, read directly: which
 * node is a standby (pg_is_in_recovery on the node itself) and what the
 * record answers. A switchover earlier in the run leaves the old primary
 * fenced; ensureStreamingPair rewinds it into a standby, as the failback
 * runbook does, so that a test needing a streaming pair can run after it.
 */
import { Resolver } from 'node:dns/promises';
import { APIRequestContext } from '@playwright/test';
import { Client } from 'pg';
import { E2E_ADDRESSES, E2E_RECORD, readStack, rewindAsStandby } from './stack';

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
