import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  BREACHING_WAL_STATUSES,
  ObservedRole,
  RegionEntity,
  replicationStatusOf,
  ReplicationStatus,
} from '@meridian/plugin-regions-common';
import {
  ObservedNodeFacts,
  ReplicationObservation,
} from '@meridian/plugin-regions-node';
import {
  ReplicationSample,
  ReplicationSampleRow,
} from '../../database/ReplicationStore';

const STATUS_ORDER: ReplicationStatus[] = [
  'unknown',
  'ok',
  'warning',
  'breach',
];

function atLeast(
  status: ReplicationStatus,
  floor: ReplicationStatus,
): ReplicationStatus {
  return STATUS_ORDER.indexOf(status) >= STATUS_ORDER.indexOf(floor)
    ? status
    : floor;
}

function rpoText(rpoSeconds: number | undefined) {
  return rpoSeconds === undefined ? 'no RPO declared' : `RPO ${rpoSeconds} s`;
}

function verdictOf(lagSeconds: number, rpoSeconds: number | undefined) {
  const status = replicationStatusOf(lagSeconds, rpoSeconds);
  if (status === 'breach') {
    return { status, text: `above the ${rpoText(rpoSeconds)}` };
  }
  if (status === 'warning') {
    return { status, text: `at least half the ${rpoText(rpoSeconds)}` };
  }
  return { status, text: rpoText(rpoSeconds) };
}

/** Lag for a sentence: `85 ms`, `2.5 s`, `61 s`; sub-millisecond lag of a busy loopback pair reads `< 1 ms`. */
export function formatLag(seconds: number): string {
  if (seconds < 0.001) {
    return seconds === 0 ? '0 s' : '< 1 ms';
  }
  if (seconds < 1) {
    return `${Math.round(seconds * 1000)} ms`;
  }
  return `${Number(seconds.toFixed(seconds < 10 ? 1 : 0))} s`;
}

/**
 * Turns what a source saw into a status and a reason: the worst replica's lag
 * against the region's RPO for a primary, the region's own view for a standby.
 */
export function judgeObservation(
  region: RegionEntity,
  sourceId: string,
  observation: ReplicationObservation,
): ReplicationSample {
  const rpoSeconds = region.spec.replication?.rpoSeconds;
  const base = {
    regionRef: stringifyEntityRef(region),
    sampledAt: observation.sampledAt,
    source: sourceId,
    database: observation.database,
    replicas: observation.replicas,
    standby: observation.standby,
    subscriptions: observation.subscriptions ?? [],
    node: observation.node,
    observedRole: observedRoleOf(observation.nodeRole, observation.node),
  };

  if (observation.nodeRole === 'standby' && !observation.standby) {
    return {
      ...base,
      status: 'unknown',
      reason: `source '${sourceId}' found a standby but reported nothing of its state`,
      lagBytes: null,
      lagSeconds: null,
      rows: [],
    };
  }
  if (observation.nodeRole === 'standby' && observation.standby) {
    const standby = observation.standby;
    const backlog = standby.replayBacklogBytes;
    let lagSeconds: number | null = null;
    let status: ReplicationStatus = 'unknown';
    let reason = `the standby's WAL receiver is ${standby.receiverStatus} and how far it is behind is unknown`;
    if (standby.caughtUp) {
      lagSeconds = 0;
      status = 'ok';
      reason =
        standby.lastReplayAgeSeconds !== null &&
        standby.lastReplayAgeSeconds > 0
          ? `caught up; the primary has had no writes for ${Math.round(
              standby.lastReplayAgeSeconds,
            )} s`
          : 'caught up';
    } else if (backlog !== null && backlog > 0) {
      lagSeconds = standby.lastReplayAgeSeconds;
      if (lagSeconds !== null) {
        const verdict = verdictOf(lagSeconds, rpoSeconds);
        status = verdict.status;
        reason = `${backlog} bytes wait to be replayed, ${Math.round(
          lagSeconds,
        )} s behind (${verdict.text})`;
      }
    }
    if (status !== 'unknown' && standby.receiverStatus !== 'streaming') {
      status = atLeast(status, 'warning');
      reason = `the standby's WAL receiver is ${standby.receiverStatus}; ${reason}`;
    }
    const row: ReplicationSampleRow = {
      replica: '',
      state: standby.receiverStatus,
      lagBytes: backlog,
      lagSeconds,
    };
    return {
      ...base,
      status,
      reason,
      lagBytes: backlog,
      lagSeconds,
      rows: [row],
    };
  }

  return judgePrimary(base, observation, rpoSeconds);
}

/** A lag that counts in the region's status: a counted replica or a subscription. */
type Lag = {
  what: string;
  state: string;
  lagBytes: number | null;
  lagSeconds: number | null;
};

/**
 * A primary's status: the worst of its replicas (physical standbys, and
 * logical slots a region subscribes through) and of its own subscriptions
 * against the RPO. A slot whose WAL is `unreserved` or `lost` is a breach; a
 * stopped replica or subscription at least a warning; a logical slot no region
 * reads (CDC) is listed but not counted.
 */
function judgePrimary(
  base: Omit<
    ReplicationSample,
    'status' | 'reason' | 'lagBytes' | 'lagSeconds' | 'rows'
  >,
  observation: ReplicationObservation,
  rpoSeconds: number | undefined,
): ReplicationSample {
  const counted = observation.replicas.filter(r => r.counted !== false);
  const uncounted = observation.replicas.filter(r => r.counted === false);
  const subscriptions = observation.subscriptions ?? [];
  const lags: Lag[] = [
    ...counted.map(r => ({ ...r, what: `replica ${r.name}` })),
    ...subscriptions.map(s => ({ ...s, what: `subscription ${s.name}` })),
  ];
  const rows: ReplicationSampleRow[] = [
    ...counted.map(replica => ({
      replica: replica.name,
      state: replica.state,
      syncState: replica.syncState,
      lagBytes: replica.lagBytes,
      lagSeconds: replica.lagSeconds,
    })),
    ...subscriptions.map(subscription => ({
      replica: subscription.name,
      state: subscription.state,
      lagBytes: subscription.lagBytes,
      lagSeconds: subscription.lagSeconds,
    })),
  ];
  const worst = lags
    .filter(lag => lag.lagSeconds !== null)
    .reduce<Lag | undefined>(
      (max, lag) =>
        max === undefined || lag.lagSeconds! > max.lagSeconds! ? lag : max,
      undefined,
    );
  let status: ReplicationStatus = 'unknown';
  let reason =
    lags.length === 0
      ? 'the primary reports no replicas'
      : 'no replica reports its lag';
  if (worst) {
    const verdict = verdictOf(worst.lagSeconds!, rpoSeconds);
    status = verdict.status;
    reason = `worst ${worst.what} is ${formatLag(worst.lagSeconds!)} behind (${
      verdict.text
    })`;
  }
  const stopped = lags.filter(lag =>
    ['stopped', 'disabled'].includes(lag.state),
  );
  if (stopped.length > 0) {
    status = atLeast(status, 'warning');
    reason = `${stopped
      .map(lag => `${lag.what} is ${lag.state}`)
      .join(', ')}; ${reason}`;
  }
  const losing = counted.filter(
    r =>
      r.walStatus &&
      (BREACHING_WAL_STATUSES as readonly string[]).includes(r.walStatus),
  );
  if (losing.length > 0) {
    status = 'breach';
    reason = `${losing
      .map(r => `slot ${r.slot ?? r.name} has wal_status ${r.walStatus}`)
      .join(
        ', ',
      )} (the primary removes WAL its replica still needs); ${reason}`;
  }
  if (uncounted.length > 0) {
    reason = `${reason}; not counted: ${uncounted
      .map(r => `logical slot ${r.slot ?? r.name}`)
      .join(', ')}, which no region replicates through (change data capture)`;
  }
  return {
    ...base,
    status,
    reason,
    lagBytes: maxOf(lags.map(lag => lag.lagBytes)),
    lagSeconds: worst?.lagSeconds ?? null,
    rows,
  };
}

/** What the node says it is: a primary its fence holds is `fenced`. */
function observedRoleOf(
  nodeRole: 'primary' | 'standby',
  node: ObservedNodeFacts | undefined,
): ObservedRole {
  if (nodeRole === 'standby') {
    return 'standby';
  }
  return node?.fenced ? 'fenced' : 'primary';
}

function maxOf(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length > 0 ? Math.max(...known) : null;
}
