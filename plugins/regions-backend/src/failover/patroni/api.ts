import { DatabaseNode } from '@meridian/plugin-regions-node';
import { Client } from 'pg';
import { connectionSecrets, redact } from '../../lib/errors';

/*
 * Patroni's REST API as the patroni promoter and fencer use it, with the
 * credentials of a node's `patroni.url` kept out of every message.
 */

/** The fields of Patroni's `GET /patroni` the promoter reads. */
export interface PatroniStatus {
  /** `running`, `streaming`, `stopped`, `starting`, `stopping`, ... (PostgreSQL's state). */
  state: string;
  /** `master` (Patroni < 3.1) or `primary`, `replica`, `standby_leader`, `demoted`, ... */
  role: string;
  timeline?: number;
  /** WAL positions in bytes: `location` on a primary, the others on a replica. */
  xlog?: {
    location?: number;
    received_location?: number;
    replayed_location?: number;
  };
  /** On replicas, from Patroni 3.0.4: `streaming`, `in archive recovery`, ... */
  replication_state?: string;
  /** On the primary: its `pg_stat_replication`. */
  replication?: { application_name: string; state: string }[];
  /** Present and true while the cluster is paused (maintenance mode). */
  pause?: boolean;
  patroni?: { scope?: string };
  /** `pg_control_system().system_identifier`, as text. */
  database_system_identifier?: string;
}

/** One member in Patroni's `GET /cluster`. */
export interface PatroniMember {
  name: string;
  /** `leader`, `replica`, `sync_standby`, `standby_leader`. */
  role: string;
  state: string;
  api_url?: string;
  timeline?: number;
}

/** A running node's `state`: Patroni ≥ 3.0.4 tells a replica's `streaming` or `in archive recovery` from `running`. */
export const RUNNING_STATES = ['running', 'streaming', 'in archive recovery'];
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_POLL_INTERVAL_MS = 100;
/** Per GET request; a member that takes longer is treated as unreachable. */
const REQUEST_TIMEOUT_MS = 5_000;
/** Patroni answers a switchover only once it is done, or after about 20 s of waiting for it. */
const SWITCHOVER_REQUEST_TIMEOUT_MS = 60_000;

/** A node's Patroni REST API, with its credentials kept out of every message. */
export class PatroniApi {
  /** The URL without user and password: the only form messages show. */
  readonly displayUrl: string;
  readonly baseUrl: string;
  readonly host: string;
  readonly headers: Record<string, string>;

  static of(node: DatabaseNode): PatroniApi {
    if (!node.patroni?.url) {
      throw new Error(
        `regions.databases.${node.name}.patroni.url is missing: the patroni promoter needs it`,
      );
    }
    return new PatroniApi(node.name, node.patroni.url);
  }

  private constructor(nodeName: string, url: string) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(
        `regions.databases.${nodeName}.patroni.url is not a URL (e.g. http://10.16.0.10:8008)`,
      );
    }
    const username = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    this.headers =
      username || password
        ? {
            authorization: `Basic ${Buffer.from(
              `${username}:${password}`,
            ).toString('base64')}`,
          }
        : {};
    parsed.username = '';
    parsed.password = '';
    this.baseUrl = parsed.toString().replace(/\/+$/, '');
    this.displayUrl = this.baseUrl;
    this.host = parsed.host;
  }

  status(signal: AbortSignal): Promise<PatroniStatus> {
    return getJson<PatroniStatus>(
      `${this.baseUrl}/patroni`,
      this.headers,
      signal,
      this.displayUrl,
    );
  }

  async cluster(signal: AbortSignal): Promise<PatroniMember[]> {
    const body = await getJson<{ members?: PatroniMember[] }>(
      `${this.baseUrl}/cluster`,
      this.headers,
      signal,
      this.displayUrl,
    );
    return body.members ?? [];
  }

  /** `GET /history`: one `[timeline, lsn, reason, timestamp, new_leader]` per timeline switch. */
  history(
    signal: AbortSignal,
  ): Promise<[number, number, string, string, string?][]> {
    return getJson(
      `${this.baseUrl}/history`,
      this.headers,
      signal,
      this.displayUrl,
    );
  }

  /** The status code of a health-check GET (`/primary`, `/replica`): 200 or 503. */
  async statusCode(route: string, signal: AbortSignal): Promise<number> {
    const response = await request(
      `${this.baseUrl}${route}`,
      { headers: this.headers },
      signal,
      REQUEST_TIMEOUT_MS,
      this.displayUrl,
    );
    await response.body?.cancel();
    return response.status;
  }

  async post(
    route: string,
    body: object,
    signal: AbortSignal,
  ): Promise<{ status: number; text: string }> {
    const response = await request(
      `${this.baseUrl}${route}`,
      {
        method: 'POST',
        headers: { ...this.headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
      signal,
      SWITCHOVER_REQUEST_TIMEOUT_MS,
      this.displayUrl,
    );
    // Patroni answers these in plain text, e.g. `candidate does not exists`.
    return { status: response.status, text: (await response.text()).trim() };
  }
}

async function request(
  url: string,
  init: RequestInit,
  signal: AbortSignal,
  timeoutMs: number,
  displayUrl: string,
): Promise<Response> {
  const route = new URL(url).pathname;
  try {
    return await fetch(url, {
      ...init,
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
  } catch (error) {
    signal.throwIfAborted();
    throw new Error(
      `Patroni at ${displayUrl} did not answer ${
        init.method ?? 'GET'
      } ${route}: ${causeOf(error)}`,
    );
  }
}

export async function getJson<T>(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  displayUrl = url,
): Promise<T> {
  const response = await request(
    url,
    { headers },
    signal,
    REQUEST_TIMEOUT_MS,
    displayUrl,
  );
  const route = new URL(url).pathname;
  if (!response.ok) {
    throw new Error(
      `Patroni at ${displayUrl} answered GET ${route} with HTTP ${
        response.status
      }: ${(await response.text()).trim().slice(0, 200)}`,
    );
  }
  return (await response.json()) as T;
}

/** Commits a transaction that needs a transaction id, which only a writable primary can give. */
export async function committedWrite(connection: string): Promise<string> {
  const client = new Client({ connectionString: connection });
  client.on('error', () => {}); // the node may go away mid-check
  try {
    await client.connect();
    await client.query('BEGIN READ WRITE');
    const { rows } = await client.query<{ xid: string }>(
      'SELECT pg_current_xact_id()::text AS xid',
    );
    await client.query('COMMIT');
    return rows[0].xid;
  } catch (error) {
    throw new Error(
      `Test write failed: ${redact(
        errorMessage(error),
        connectionSecrets(connection),
      )}`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

export function leaderOf(members: PatroniMember[] | undefined) {
  return members?.find(member => member.role === 'leader');
}

export function isPrimaryRole(role: string): boolean {
  return role === 'master' || role === 'primary';
}

export function describe(node: DatabaseNode, member: string): string {
  return node.name === member ? node.name : `${node.name} (member ${member})`;
}

/** A WAL position in bytes as PostgreSQL writes it, e.g. `0/3000148`. */
export function formatLsn(bytes: number): string {
  const value = BigInt(bytes);
  return `${(value >> 32n).toString(16).toUpperCase()}/${(value & 0xffffffffn)
    .toString(16)
    .toUpperCase()}`;
}

export function parseLsn(lsn: string): number {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn);
  if (!match) {
    throw new Error(`waitForLsn "${lsn}" is not a WAL position like 0/3000148`);
  }
  return Number((BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`));
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })
    .cause;
  return cause?.code ?? cause?.message ?? errorMessage(error);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The node's Patroni member name: from config, else the member whose REST API is `url`. */
export async function memberName(
  node: DatabaseNode,
  api: PatroniApi | undefined,
  signal: AbortSignal,
): Promise<string> {
  if (node.patroni?.member) {
    return node.patroni.member;
  }
  const client = api ?? PatroniApi.of(node);
  const members = await client.cluster(signal);
  const found = members.find(
    m => m.api_url && new URL(m.api_url).host === client.host,
  );
  if (!found) {
    throw new Error(
      `No member of the Patroni cluster at ${client.displayUrl} has that REST API; set regions.databases.${node.name}.patroni.member`,
    );
  }
  return found.name;
}

/** How long and how often {@link waitFor} polls. */
export interface PatroniWaits {
  timeoutMs: number;
  pollIntervalMs: number;
}

/** Polls `check` until it returns a value, bounded by the timeout and the signal. */
export async function waitFor<T>(
  waits: PatroniWaits,
  what: string,
  signal: AbortSignal,
  check: () => Promise<T | undefined>,
  failure?: string,
): Promise<T> {
  const deadline = Date.now() + waits.timeoutMs;
  let lastError: unknown;
  for (;;) {
    signal.throwIfAborted();
    try {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `${failure ?? `Timed out waiting for ${what}`} after ${
          waits.timeoutMs
        } ms${lastError ? ` (${errorMessage(lastError)})` : ''}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, waits.pollIntervalMs));
  }
}
