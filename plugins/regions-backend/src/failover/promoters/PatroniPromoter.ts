import {
  DatabaseNode,
  DatabaseNodeState,
  FailoverStepContext,
  Promoter,
  PromotionResult,
} from '@meridian/plugin-regions-node';
import {
  committedWrite,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_TIMEOUT_MS,
  describe,
  formatLsn,
  getJson,
  isPrimaryRole,
  leaderOf,
  memberName,
  parseLsn,
  PatroniApi,
  PatroniStatus,
  PatroniWaits,
  RUNNING_STATES,
  waitFor,
} from '../patroni/api';

/** Options of {@link PatroniPromoter}. */
export interface PatroniPromoterOptions {
  /**
   * How long to wait for a candidate to lead after Patroni accepted the
   * switchover, and for a replay position. Default 60 s.
   */
  timeoutMs?: number;
  /** How often those waits poll the REST API. Default 100 ms. */
  pollIntervalMs?: number;
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
export class PatroniPromoter implements Promoter, PatroniWaits {
  readonly id = 'patroni';
  /** Patroni's switchover demotes the old leader itself, under its leader lock. */
  readonly demotesSource = true;
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;

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
    const member = await memberName(node, api, ctx.signal);
    if (!RUNNING_STATES.includes(status.state)) {
      throw new Error(
        `${describe(node, member)}: Patroni reports PostgreSQL ${
          status.state
        } (role ${status.role}), not running`,
      );
    }
    const primary = isPrimaryRole(status.role);
    const xlog = status.xlog ?? {};
    const common = {
      ...(status.database_system_identifier
        ? { systemIdentifier: status.database_system_identifier }
        : {}),
      ...(status.timeline !== undefined ? { timeline: status.timeline } : {}),
      address: api.host,
    };
    const state: DatabaseNodeState = primary
      ? {
          ...common,
          role: 'primary',
          writable: (await api.statusCode('/primary', ctx.signal)) === 200,
          lsn: formatLsn(xlog.location ?? 0),
          replicas: (status.replication ?? []).map(r => r.application_name),
        }
      : {
          ...common,
          role: 'standby',
          writable: false,
          lsn: formatLsn(xlog.replayed_location ?? 0),
          receiveLsn: formatLsn(xlog.received_location ?? 0),
          streaming: await this.isStreaming(api, status, member, ctx.signal),
          applicationName: member,
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

  async promote(
    node: DatabaseNode,
    ctx: FailoverStepContext,
    options: { waitForLsn?: string; source?: DatabaseNode },
  ): Promise<PromotionResult> {
    const api = PatroniApi.of(node);
    const candidate = await memberName(node, api, ctx.signal);
    const leader = leaderOf(await api.cluster(ctx.signal));
    if (leader?.name === candidate) {
      ctx.log(
        `${describe(node, candidate)} already leads its Patroni cluster.`,
      );
      await this.waitForLeadership(api, node, candidate, ctx);
      return {};
    }
    const sourceMember =
      options.source &&
      (options.source.patroni?.member ??
        (await memberName(options.source, undefined, ctx.signal).catch(
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
    const before = await api.status(ctx.signal);
    const timelineBefore = before.timeline;
    ctx.log(
      `POST /${action} ${JSON.stringify(body)} to Patroni at ${api.displayUrl}`,
    );
    await ctx.ensureLease();
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
    return before.xlog?.replayed_location !== undefined
      ? { replayedLsn: formatLsn(before.xlog.replayed_location) }
      : {};
  }

  async verifyWritable(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<void> {
    const api = PatroniApi.of(node);
    const member = await memberName(node, api, ctx.signal);
    await waitFor(
      this,
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
    await waitFor(
      this,
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
    const status = await waitFor(
      this,
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
}
