import {
  DatabaseNode,
  DatabaseNodeState,
  FailoverStepContext,
  Promoter,
} from '@meridian/plugin-regions-node';
import { Client } from 'pg';
import { connectionSecrets, redact } from '../../lib/errors';

/** Options of {@link PatroniPromoter}. */
export interface PatroniPromoterOptions {
  /**
   * How long to wait for a candidate to lead after Patroni accepted the
   * switchover, for an old leader to step down, and for a replay position.
   * Default 60 s.
   */
  timeoutMs?: number;
  /** How often those waits poll the REST API. Default 100 ms. */
  pollIntervalMs?: number;
}

/** The fields of Patroni's `GET /patroni` the promoter reads. */
interface PatroniStatus {
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
}

/** One member in Patroni's `GET /cluster`. */
interface PatroniMember {
  name: string;
  /** `leader`, `replica`, `sync_standby`, `standby_leader`. */
  role: string;
  state: string;
  api_url?: string;
  timeline?: number;
}

/** A running node's `state`: Patroni ≥ 3.0.4 tells a replica's `streaming` or `in archive recovery` from `running`. */
const RUNNING_STATES = ['running', 'streaming', 'in archive recovery'];
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_POLL_INTERVAL_MS = 100;
/** Per GET request; a member that takes longer is treated as unreachable. */
const REQUEST_TIMEOUT_MS = 5_000;
/** Patroni answers a switchover only once it is done, or after about 20 s of waiting for it. */
const SWITCHOVER_REQUEST_TIMEOUT_MS = 60_000;

/** A node's Patroni REST API, with its credentials kept out of every message. */
class PatroniApi {
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

/**
 * Promotes Patroni-managed nodes (a `patroni: { url, member }` block under
 * `regions.databases`) through Patroni's REST API, so that Patroni, which owns
 * the cluster's leader lock, does the demotion and promotion itself and keeps
 * its own safety rules: it refuses a candidate that is not running, is tagged
 * `nofailover` or lags more than `maximum_lag_on_failover`.
 *
 * A user and password in `url` are sent as basic auth (Patroni asks for them on
 * `POST /switchover` and `/failover` when `restapi.authentication` is set);
 * messages show the URL without them.
 */
export class PatroniPromoter implements Promoter {
  readonly id = 'patroni';
  private readonly timeoutMs: number;
  private readonly pollIntervalMs: number;

  constructor(options: PatroniPromoterOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  }

  supports(node: DatabaseNode): boolean {
    return Boolean(node.patroni?.url);
  }

  async inspect(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<DatabaseNodeState> {
    const api = PatroniApi.of(node);
    const status = await api.status(ctx.signal);
    const member = await this.memberName(node, api, ctx.signal);
    if (!RUNNING_STATES.includes(status.state)) {
      throw new Error(
        `${describe(node, member)}: Patroni reports PostgreSQL ${
          status.state
        } (role ${status.role}), not running`,
      );
    }
    const primary = isPrimaryRole(status.role);
    const xlog = status.xlog ?? {};
    const state: DatabaseNodeState = primary
      ? {
          role: 'primary',
          writable: (await api.statusCode('/primary', ctx.signal)) === 200,
          lsn: formatLsn(xlog.location ?? 0),
        }
      : {
          role: 'standby',
          writable: false,
          lsn: formatLsn(xlog.replayed_location ?? 0),
          receiveLsn: formatLsn(xlog.received_location ?? 0),
          streaming: await this.isStreaming(api, status, member, ctx.signal),
        };
    const position = primary
      ? `WAL at ${state.lsn}`
      : `replayed ${state.lsn}, ${state.streaming ? '' : 'not '}streaming`;
    ctx.log(
      `${describe(node, member)}: Patroni ${status.role}, timeline ${
        status.timeline ?? '?'
      }, ${position}${
        status.pause ? '; the cluster is paused (maintenance mode)' : ''
      }`,
    );
    return state;
  }

  async fence(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<{ lsn?: string }> {
    const api = PatroniApi.of(node);
    let status: PatroniStatus;
    try {
      status = await api.status(ctx.signal);
    } catch (error) {
      ctx.log(
        `${node.name}: ${errorMessage(error)}. Patroni runs PostgreSQL as a ` +
          'primary only while it holds the leader lock in its DCS and renews it ' +
          'every loop; a member that comes back finds the lock held by the new ' +
          'leader and restarts its PostgreSQL as a replica of it (pg_rewind ' +
          'first when use_pg_rewind is on). Nothing to stop here.',
      );
      return {};
    }
    const member = await this.memberName(node, api, ctx.signal);
    const leader = leaderOf(await api.cluster(ctx.signal));
    if (!isPrimaryRole(status.role)) {
      ctx.log(
        `${describe(node, member)} is already a ${status.role} (${
          status.state
        }); the leader is ${leader?.name ?? 'nobody'}. Nothing to fence.`,
      );
      return {};
    }
    if (leader?.name === member) {
      ctx.log(
        `${describe(node, member)} leads its Patroni cluster and keeps ` +
          'running until the promote step: Patroni demotes the leader itself ' +
          'during POST /switchover — it checkpoints, shuts PostgreSQL down ' +
          'cleanly, which first sends every WAL record to the connected ' +
          'replicas, releases the leader lock only then and restarts as a ' +
          'replica of the new leader. Stopping it here would only make Patroni ' +
          'restart it or fail over on its own terms.',
      );
      return { lsn: formatLsn(status.xlog?.location ?? 0) };
    }
    ctx.log(
      `${describe(node, member)} still runs as a primary although ${
        leader
          ? `${leader.name} holds the leader lock`
          : 'nobody holds the leader lock'
      }: a Patroni member that has lost the lock demotes its PostgreSQL on its ` +
        'next cycle (loop_wait). Waiting for it to step down.',
    );
    const stepped = await this.waitFor(
      `${member} to step down`,
      ctx.signal,
      async () => {
        const now = await api.status(ctx.signal).catch(() => undefined);
        return !now || !isPrimaryRole(now.role) ? now ?? 'gone' : undefined;
      },
    );
    ctx.log(
      stepped === 'gone'
        ? `${member} stopped answering: its Patroni will restart it only as a replica.`
        : `${member} stepped down: ${stepped.role} (${stepped.state}).`,
    );
    return {};
  }

  async promote(
    node: DatabaseNode,
    ctx: FailoverStepContext,
    options: { waitForLsn?: string; source?: DatabaseNode },
  ): Promise<void> {
    const api = PatroniApi.of(node);
    const candidate = await this.memberName(node, api, ctx.signal);
    const leader = leaderOf(await api.cluster(ctx.signal));
    if (leader?.name === candidate) {
      ctx.log(
        `${describe(node, candidate)} already leads its Patroni cluster.`,
      );
      await this.waitForLeadership(api, node, candidate, ctx);
      return;
    }
    const sourceMember =
      options.source &&
      (options.source.patroni?.member ??
        (await this.memberName(options.source, undefined, ctx.signal).catch(
          () => undefined,
        )));
    if (sourceMember && leader && leader.name !== sourceMember) {
      throw new Error(
        `${leader.name} leads the Patroni cluster of ${node.name}, not ${sourceMember} ` +
          `(${options.source!.name}, the source): promoted nothing`,
      );
    }
    if (options.waitForLsn) {
      await this.waitForReplay(api, node, candidate, options.waitForLsn, ctx);
    }

    // A leader that is up hands over (Patroni demotes it cleanly); a lost one
    // is replaced, which Patroni allows only to a healthy candidate. /cluster
    // alone cannot tell: a lost leader's keys outlive it until their ttl.
    const planned =
      sourceMember !== undefined &&
      leader?.name === sourceMember &&
      (await this.answersAsPrimary(options.source!, ctx.signal));
    const [action, body] = planned
      ? (['switchover', { leader: sourceMember, candidate }] as const)
      : (['failover', { candidate }] as const);
    const timelineBefore = (await api.status(ctx.signal)).timeline;
    ctx.log(
      `POST /${action} ${JSON.stringify(body)} to Patroni at ${api.displayUrl}`,
    );
    const started = Date.now();
    const answer = await api.post(`/${action}`, body, ctx.signal);
    if (answer.status === 200 && !answer.text.startsWith('Successfully')) {
      // e.g. `Switched over to "pg3" instead of "pg2"` when the candidate fell out
      throw new Error(`Patroni did not promote ${candidate}: ${answer.text}`);
    }
    if (answer.status !== 200) {
      const now = leaderOf(
        await api.cluster(ctx.signal).catch(() => undefined),
      );
      throw new Error(
        `Patroni refused the ${action} to ${candidate} (HTTP ${
          answer.status
        }): ${answer.text || 'no answer'}${
          answer.status === 503
            ? await this.safetyRulesHint(api, ctx.signal)
            : ''
        }; the leader is ${now?.name === leader?.name ? 'still ' : ''}${
          now?.name ?? 'nobody'
        }`,
      );
    }
    ctx.log(`Patroni: ${answer.text} (${Date.now() - started} ms)`);
    await this.waitForLeadership(api, node, candidate, ctx, timelineBefore);
  }

  async verifyWritable(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<void> {
    const api = PatroniApi.of(node);
    const member = await this.memberName(node, api, ctx.signal);
    await this.waitFor(
      `${member} to answer 200 on GET /primary`,
      ctx.signal,
      async () =>
        (await api.statusCode('/primary', ctx.signal).catch(() => 0)) === 200 ||
        undefined,
    );
    ctx.log(
      `${describe(
        node,
        member,
      )} answers 200 on GET /primary: it holds the leader lock and runs as primary.`,
    );
    if (!node.connection) {
      ctx.log(
        `${node.name} has no connection configured: no test write, Patroni's answer is the check.`,
      );
      return;
    }
    const xid = await committedWrite(node.connection);
    ctx.log(`${node.name} committed transaction ${xid}.`);
  }

  async verifyFenced(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<void> {
    const api = PatroniApi.of(node);
    let member: string;
    try {
      member = await this.memberName(node, api, ctx.signal);
    } catch (error) {
      ctx.log(
        `${node.name}: ${errorMessage(
          error,
        )}; it cannot take writes now, and ` +
          'Patroni restarts it only as a replica while another member holds the leader lock.',
      );
      return;
    }
    const seen = await this.waitFor(
      `${member} to be fenced`,
      ctx.signal,
      async () => {
        const primaryCode = await api
          .statusCode('/primary', ctx.signal)
          .catch(() => 0);
        const status = await api.status(ctx.signal).catch(() => undefined);
        const cluster = await api.cluster(ctx.signal).catch(() => undefined);
        const row = cluster?.find(m => m.name === member);
        // A primary still stopping or starting counts as unfenced until it settles.
        const fenced =
          primaryCode !== 200 &&
          !(
            status &&
            isPrimaryRole(status.role) &&
            status.state !== 'stopped'
          ) &&
          row?.role !== 'leader';
        return fenced
          ? { primaryCode, status, row, leader: leaderOf(cluster) }
          : undefined;
      },
      `${member} still acts as a writable primary`,
    );
    ctx.log(
      `${describe(node, member)} is fenced: GET /primary ${
        seen.primaryCode || 'unreachable'
      }, Patroni ${
        seen.status
          ? `${seen.status.role} (${seen.status.state})`
          : 'unreachable'
      }, leader ${seen.leader?.name ?? 'unknown'}.`,
    );
  }

  /** The node's Patroni member name: from config, else the member whose REST API is `url`. */
  private async memberName(
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

  /** Whether a replica streams from its leader: Patroni ≥ 3.0.4 says so, older ones only in the leader's `replication`. */
  private async isStreaming(
    api: PatroniApi,
    status: PatroniStatus,
    member: string,
    signal: AbortSignal,
  ): Promise<boolean> {
    if (status.replication_state !== undefined) {
      return status.replication_state === 'streaming';
    }
    const leader = leaderOf(await api.cluster(signal));
    if (!leader?.api_url) {
      return false;
    }
    // Read-only GET to an address the cluster itself publishes: no credentials sent.
    const leaderStatus = await getJson<PatroniStatus>(
      leader.api_url,
      {},
      signal,
    ).catch(() => undefined);
    return Boolean(
      leaderStatus?.replication?.some(
        r => r.application_name === member && r.state === 'streaming',
      ),
    );
  }

  private async waitForReplay(
    api: PatroniApi,
    node: DatabaseNode,
    candidate: string,
    lsn: string,
    ctx: FailoverStepContext,
  ) {
    const target = parseLsn(lsn);
    let replayed = 0;
    await this.waitFor(
      `${candidate} to replay ${lsn}`,
      ctx.signal,
      async () => {
        replayed = (await api.status(ctx.signal)).xlog?.replayed_location ?? 0;
        return replayed >= target || undefined;
      },
      `${describe(node, candidate)} replayed only ${formatLsn(
        replayed,
      )} of ${lsn}: promoted nothing`,
    );
    ctx.log(`${candidate} replayed ${lsn}.`);
  }

  /** Waits until the candidate holds the lock and runs as primary on a timeline after `promotedFrom`. */
  private async waitForLeadership(
    api: PatroniApi,
    node: DatabaseNode,
    candidate: string,
    ctx: FailoverStepContext,
    promotedFrom = 0,
  ) {
    const started = Date.now();
    const status = await this.waitFor(
      `${candidate} to lead`,
      ctx.signal,
      async () => {
        const leader = leaderOf(await api.cluster(ctx.signal));
        if (leader?.name !== candidate || leader.state !== 'running') {
          return undefined;
        }
        // A promotion always starts a new timeline: until then it is not done.
        const now = await api.status(ctx.signal);
        return isPrimaryRole(now.role) && (now.timeline ?? 0) > promotedFrom
          ? now
          : undefined;
      },
      `${describe(node, candidate)} did not become the running leader`,
    );
    ctx.log(
      `${candidate} leads, timeline ${status.timeline ?? '?'} (waited ${
        Date.now() - started
      } ms).`,
    );
  }

  /** Whether a node's own Patroni answers that it runs as primary. */
  private async answersAsPrimary(
    node: DatabaseNode,
    signal: AbortSignal,
  ): Promise<boolean> {
    if (!node.patroni?.url) {
      return false;
    }
    const status = await PatroniApi.of(node)
      .status(signal)
      .catch(() => undefined);
    return Boolean(
      status && isPrimaryRole(status.role) && status.state === 'running',
    );
  }

  /** Why Patroni may have turned a candidate down, with this cluster's lag limit. */
  private async safetyRulesHint(
    api: PatroniApi,
    signal: AbortSignal,
  ): Promise<string> {
    const config = await getJson<{ maximum_lag_on_failover?: number }>(
      `${api.baseUrl}/config`,
      api.headers,
      signal,
    ).catch(() => undefined);
    const limit = config?.maximum_lag_on_failover;
    return ` (Patroni does not promote a candidate that is not running, is tagged nofailover or lags more than maximum_lag_on_failover${
      limit === undefined ? '' : ` = ${limit} bytes`
    }; its log says which)`;
  }

  /** Polls `check` until it returns a value, bounded by the timeout and the signal. */
  private async waitFor<T>(
    what: string,
    signal: AbortSignal,
    check: () => Promise<T | undefined>,
    failure?: string,
  ): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
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
            this.timeoutMs
          } ms${lastError ? ` (${errorMessage(lastError)})` : ''}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, this.pollIntervalMs));
    }
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

async function getJson<T>(
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
async function committedWrite(connection: string): Promise<string> {
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

function leaderOf(members: PatroniMember[] | undefined) {
  return members?.find(member => member.role === 'leader');
}

function isPrimaryRole(role: string): boolean {
  return role === 'master' || role === 'primary';
}

function describe(node: DatabaseNode, member: string): string {
  return node.name === member ? node.name : `${node.name} (member ${member})`;
}

/** A WAL position in bytes as PostgreSQL writes it, e.g. `0/3000148`. */
function formatLsn(bytes: number): string {
  const value = BigInt(bytes);
  return `${(value >> 32n).toString(16).toUpperCase()}/${(value & 0xffffffffn)
    .toString(16)
    .toUpperCase()}`;
}

function parseLsn(lsn: string): number {
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

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
