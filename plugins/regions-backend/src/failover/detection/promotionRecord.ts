import {
  DatabaseNode,
  FailoverStepContext,
} from '@meridian/plugin-regions-node';
import { withNode } from '../../postgres/connection';
import { outsideRun } from '../engine/outsideRun';
import { formatLsn, PatroniApi } from '../patroni/api';

/** What a node itself records of how it reached a timeline. */
export interface PromotionRecord {
  /** ISO time it left recovery, when the node records it. */
  promotedAt?: string;
  /** Where the new timeline forks from the old one. */
  switchLsn?: string;
  /** Who or what promoted it, when the node's manager says so. */
  promotedBy?: string;
  /** Lines for the run's evidence. */
  evidence: string[];
}

const READ_TIMEOUT_MS = 5_000;

/**
 * Reads how a node reached `timeline`: PostgreSQL's timeline history file
 * (its switch point, and the file's time, written at the promotion) — which
 * needs a role allowed `pg_stat_file` and `pg_read_file` (a superuser, or
 * `pg_read_server_files`) — and, for a Patroni member, what Patroni says:
 * its `GET /history` (time, position, new leader), or before Patroni has
 * written that (up to a `loop_wait` after the promotion), its leader lock on
 * the new timeline. Undefined when nothing answers.
 */
export async function readPromotionRecord(
  node: DatabaseNode,
  timeline: number,
): Promise<PromotionRecord | undefined> {
  const ctx = outsideRun({ signal: AbortSignal.timeout(READ_TIMEOUT_MS) });
  const [fromNode, fromPatroni] = await Promise.all([
    node.connection ? timelineHistory(node, timeline, ctx) : undefined,
    node.patroni ? patroniRecord(node, timeline, ctx) : undefined,
  ]);
  if (!fromNode && !fromPatroni) {
    return undefined;
  }
  const promotedAt = fromPatroni?.promotedAt ?? fromNode?.promotedAt;
  const switchLsn = fromPatroni?.switchLsn ?? fromNode?.switchLsn;
  return {
    ...(promotedAt ? { promotedAt } : {}),
    ...(switchLsn ? { switchLsn } : {}),
    ...(fromPatroni?.promotedBy ? { promotedBy: fromPatroni.promotedBy } : {}),
    evidence: [...(fromNode?.evidence ?? []), ...(fromPatroni?.evidence ?? [])],
  };
}

async function timelineHistory(
  node: DatabaseNode,
  timeline: number,
  ctx: FailoverStepContext,
): Promise<PromotionRecord | undefined> {
  const file = `pg_wal/${timeline
    .toString(16)
    .toUpperCase()
    .padStart(8, '0')}.history`;
  return withNode(node, ctx, 'read the timeline history of', async client => {
    const {
      rows: [row],
    } = await client.query<{ at: Date; history: string }>(
      `SELECT (pg_stat_file($1)).modification AS at, pg_read_file($1) AS history`,
      [file],
    );
    // the last line is the switch that made this timeline: "<tli>\t<lsn>\t<reason>"
    const last = row.history.trim().split('\n').pop() ?? '';
    const [, switchLsn, reason] = last.split('\t');
    return {
      promotedAt: new Date(row.at).toISOString(),
      ...(switchLsn ? { switchLsn } : {}),
      evidence: [
        `${node.name}'s ${file} was written at ${new Date(
          row.at,
        ).toISOString()}: timeline ${timeline} forks at ${switchLsn} (${
          reason ?? 'no reason recorded'
        })`,
      ],
    };
  }).catch(() => undefined);
}

/**
 * Patroni's `GET /history` (`[timeline, lsn, reason, timestamp, new_leader]`
 * per switch), else its `GET /cluster`: the member holding the leader lock on
 * the new timeline.
 */
async function patroniRecord(
  node: DatabaseNode,
  timeline: number,
  ctx: FailoverStepContext,
): Promise<PromotionRecord | undefined> {
  const api = PatroniApi.of(node);
  const history = await api.history(ctx.signal).catch(() => undefined);
  // the entry of the previous timeline says how it ended
  const entry = history?.find(item => Number(item[0]) === timeline - 1);
  if (entry) {
    const [, lsn, reason, timestamp, leader] = entry;
    return {
      ...(timestamp ? { promotedAt: new Date(timestamp).toISOString() } : {}),
      switchLsn: formatLsn(lsn),
      promotedBy: leader ? `patroni (new leader ${leader})` : 'patroni',
      evidence: [
        `Patroni's history: timeline ${timeline - 1} ended at ${formatLsn(
          lsn,
        )} (${reason}) at ${timestamp}${leader ? `, ${leader} leads` : ''}`,
      ],
    };
  }
  const members = await api.cluster(ctx.signal).catch(() => undefined);
  const leader = members?.find(
    member =>
      member.name === node.patroni!.member &&
      (member.role === 'leader' || member.role === 'standby_leader') &&
      member.timeline === timeline,
  );
  if (!leader) {
    return undefined;
  }
  return {
    promotedBy: `patroni (new leader ${leader.name})`,
    evidence: [
      `Patroni's cluster: ${leader.name} holds the leader lock on timeline ${timeline} (its history does not list the switch yet)`,
    ],
  };
}
