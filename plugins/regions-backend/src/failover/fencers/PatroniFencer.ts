import {
  DatabaseNode,
  FailoverStepContext,
  Fencer,
  FenceResult,
  FenceVerdict,
} from '@meridian/plugin-regions-node';
import {
  DEFAULT_POLL_INTERVAL_MS,
  describe,
  errorMessage,
  formatLsn,
  isPrimaryRole,
  leaderOf,
  memberName,
  PatroniApi,
  PatroniMember,
  PatroniWaits,
  waitFor,
} from '../patroni/api';

/** How long the fence waits for a member that lost the leader lock to step down. */
const STEP_DOWN_TIMEOUT_MS = 60_000;

/**
 * The `patroni` fencer: Patroni's leader lock is the fence. A member runs
 * PostgreSQL as a primary only while it holds the lock in the DCS and renews
 * it every loop; one that comes back without it restarts as a replica. The
 * leader of a switchover is demoted by Patroni itself during `POST
 * /switchover` (the patroni promoter), so `fence` only records where it
 * stands; a member that still runs as primary without the lock is waited for
 * until it steps down. The verdict is positive evidence: the member answers as
 * a replica, or another member's Patroni says the lock is not its.
 */
export class PatroniFencer implements Fencer, PatroniWaits {
  readonly id = 'patroni';
  readonly reach = 'in-band';
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;

  constructor(options: Partial<PatroniWaits> = {}) {
    this.timeoutMs = options.timeoutMs ?? STEP_DOWN_TIMEOUT_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  }

  supports(node: DatabaseNode): boolean {
    return Boolean(node.patroni?.url);
  }

  async fence(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<FenceResult> {
    const api = PatroniApi.of(node);
    const status = await api.status(ctx.signal);
    const member = await memberName(node, api, ctx.signal);
    const leader = leaderOf(await api.cluster(ctx.signal));
    if (!isPrimaryRole(status.role)) {
      return {
        detail: `${describe(node, member)} is already a ${status.role} (${
          status.state
        }); the leader is ${leader?.name ?? 'nobody'}`,
      };
    }
    if (leader?.name === member) {
      ctx.log(
        `${describe(node, member)} leads its Patroni cluster and keeps ` +
          'running until the promote step: Patroni demotes the leader itself ' +
          'during POST /switchover — it checkpoints, shuts PostgreSQL down ' +
          'cleanly, which first sends every WAL record to the connected ' +
          'replicas, releases the leader lock only then and restarts as a ' +
          'replica of the new leader.',
      );
      const lsn = formatLsn(status.xlog?.location ?? 0);
      return {
        lsn,
        detail: `${member} holds the leader lock at ${lsn}; Patroni demotes it during the switchover`,
      };
    }
    ctx.log(
      `${describe(node, member)} still runs as a primary although ${
        leader
          ? `${leader.name} holds the leader lock`
          : 'nobody holds the leader lock'
      }: a Patroni member that has lost the lock demotes its PostgreSQL on its ` +
        'next cycle (loop_wait). Waiting for it to step down.',
    );
    const stepped = await waitFor(
      this,
      `${member} to step down`,
      ctx.signal,
      async () => {
        const now = await api.status(ctx.signal).catch(() => undefined);
        return !now || !isPrimaryRole(now.role) ? now ?? 'gone' : undefined;
      },
    );
    return {
      detail:
        stepped === 'gone'
          ? `${member} stopped answering after losing the leader lock`
          : `${member} stepped down: ${stepped.role} (${stepped.state})`,
    };
  }

  async verify(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<FenceVerdict> {
    const api = PatroniApi.of(node);
    let member: string;
    let status;
    try {
      member = await memberName(node, api, ctx.signal);
      status = await api.status(ctx.signal);
    } catch (error) {
      return {
        fenced: false,
        unreachable: true,
        detail: `${node.name}: ${errorMessage(error)}`,
      };
    }
    const primaryCode = await api
      .statusCode('/primary', ctx.signal)
      .catch(() => 0);
    const cluster: PatroniMember[] | undefined = await api
      .cluster(ctx.signal)
      .catch(() => undefined);
    const row = cluster?.find(m => m.name === member);
    // A primary still stopping or starting counts as unfenced until it settles.
    const fenced =
      primaryCode !== 200 &&
      !(isPrimaryRole(status.role) && status.state !== 'stopped') &&
      row?.role !== 'leader';
    const seen = `GET /primary ${primaryCode || 'no answer'}, Patroni ${
      status.role
    } (${status.state}), leader ${leaderOf(cluster)?.name ?? 'unknown'}`;
    return fenced
      ? { fenced, detail: `${describe(node, member)} is fenced: ${seen}` }
      : {
          fenced,
          detail: `${describe(
            node,
            member,
          )} still acts as a writable primary: ${seen}`,
        };
  }
}
