import { FailoverPreflightCheck } from '@meridian/plugin-regions-common';
import { bytesBehind, formatBytes } from '../lsn';
import { FailoverFacts, FailoverPlan, PlannedSide } from '../plan/types';

/** What a check needs besides the plan and the facts. */
export interface CheckContext {
  /** The most WAL bytes the target may lag (`regions.failover.maxLagBytes`). */
  maxLagBytes: number;
  /** True inside a run, which holds its regions and nodes by itself. */
  holdsRun: boolean;
}

type Check = (
  plan: FailoverPlan,
  facts: FailoverFacts,
  context: CheckContext,
) => FailoverPreflightCheck | undefined;

/** Whether the run may go on without the source (an emergency failover of a lost primary). */
function sourceLost(plan: FailoverPlan, facts: FailoverFacts): boolean {
  return plan.mode === 'failover' && facts.source.state === undefined;
}

const exclusive: Check = (plan, facts, { holdsRun }) => ({
  id: 'exclusive',
  title: 'No other run in progress',
  passed: holdsRun || !facts.inProgress,
  detail: holdsRun
    ? `this run holds ${plan.holds.join(', ')} until it ends`
    : facts.inProgress ?? `no run holds ${plan.holds.join(', ')}`,
  forcible: false,
});

function binding(id: string, title: string, side: PlannedSide) {
  return {
    id,
    title,
    passed: Boolean(side.node),
    detail: side.node
      ? `${side.node.name}, bound to ${side.ref} in regions.databases`
      : side.bindingProblem!,
    forcible: false,
  };
}

const sourceDatabase: Check = plan =>
  binding('source-database', "Region's database is bound to it", plan.source);

const targetDatabase: Check = plan =>
  binding('target-database', "Target's database is bound to it", plan.target);

/**
 * One replication set is driven by one promoter: a Patroni leader failed over
 * to a plain target would get `pg_promote` while Patroni keeps its leader up.
 */
const promoters: Check = plan => {
  const { source, target } = plan;
  if (!source.node || !target.node) {
    return undefined;
  }
  const missing = [source, target].filter(side => !side.promoter);
  if (missing.length) {
    return {
      id: 'promoters',
      title: 'Both nodes are driven by one promoter',
      passed: false,
      detail: missing
        .map(
          side =>
            `no promoter drives ${
              side.node!.name
            } (it needs a connection or a patroni block)`,
        )
        .join('; '),
      forcible: false,
    };
  }
  const same = source.promoter!.id === target.promoter!.id;
  return {
    id: 'promoters',
    title: 'Both nodes are driven by one promoter',
    passed: same,
    detail: same
      ? `${source.node.name} and ${target.node.name} are driven by the ${
          target.promoter!.id
        } promoter`
      : `${source.node.name} is driven by the ${
          source.promoter!.id
        } promoter and ${target.node.name} by the ${
          target.promoter!.id
        } promoter: one replication set fails over through one (a Patroni leader would keep running beside a pg_promote'd target)`,
    forcible: false,
  };
};

const targetHealthy: Check = (plan, facts) => {
  if (!plan.target.node || !plan.target.promoter) {
    return undefined;
  }
  const name = plan.target.node.name;
  const { state, error } = facts.target;
  const emergency = plan.mode === 'failover';
  return {
    id: 'target-healthy',
    title: 'Target is a healthy standby',
    passed:
      state?.role === 'standby' && (emergency || state.streaming === true),
    detail: standbyDetail(name, state, error, emergency),
    forcible: false,
  };
};

function standbyDetail(
  name: string,
  state: FailoverFacts['target']['state'],
  error: string | undefined,
  emergency: boolean,
): string {
  if (!state) {
    return error!;
  }
  if (state.role === 'primary') {
    return `${name} is not in recovery: it is already a primary`;
  }
  const lost = !state.streaming && emergency;
  return `${name} is in recovery, replayed ${state.lsn}, WAL receiver ${
    state.streaming ? 'streaming' : 'not streaming'
  }${lost ? ' (expected with the primary lost)' : ''}`;
}

const sourcePrimary: Check = (plan, facts) => {
  if (!plan.source.node || !plan.source.promoter) {
    return undefined;
  }
  const name = plan.source.node.name;
  const { state, error } = facts.source;
  if (!state) {
    const lost = plan.mode === 'failover';
    return {
      id: 'source-primary',
      title: 'Region is the primary',
      passed: lost,
      detail: lost
        ? `${name} does not answer (${error}): an emergency failover goes on only once it is fenced`
        : `${error}; a ${plan.mode} needs the primary up (use mode failover when it is lost)`,
      forcible: false,
    };
  }
  return {
    id: 'source-primary',
    title: 'Region is the primary',
    passed: state.role === 'primary',
    detail:
      state.role === 'primary'
        ? `${name} is a primary at ${state.lsn}${
            state.writable ? '' : ' (read-only)'
          }${
            state.timeline !== undefined ? `, timeline ${state.timeline}` : ''
          }`
        : `${name} is in recovery: it is not the primary`,
    forcible: false,
  };
};

/**
 * The target belongs to the source's replication set, checked on the nodes
 * (not in the catalog): the same `system_identifier`, a timeline not behind the
 * source's, and, while it streams, streaming from the source.
 */
const topology: Check = (plan, facts) => {
  const target = facts.target.state;
  if (!target || target.role !== 'standby' || !plan.source.node) {
    return undefined;
  }
  const title = 'Target replicates from the region';
  const targetName = plan.target.node!.name;
  const sourceName = plan.source.node.name;
  const source = facts.source.state;
  // what the source says of itself now, else what it said when last sampled
  let reference:
    | { systemIdentifier?: string; timeline?: number; seen: string }
    | undefined;
  if (source) {
    reference = {
      systemIdentifier: source.systemIdentifier,
      timeline: source.timeline,
      seen: 'now',
    };
  } else if (facts.lastSource) {
    reference = {
      systemIdentifier: facts.lastSource.systemIdentifier,
      timeline: facts.lastSource.timeline ?? undefined,
      seen: `when last sampled, ${facts.lastSource.sampledAt}`,
    };
  }
  if (!reference?.systemIdentifier || !target.systemIdentifier) {
    return {
      id: 'topology',
      title,
      passed: false,
      detail: reference
        ? `the system identifier of ${
            reference.systemIdentifier ? targetName : sourceName
          } is unknown`
        : `${sourceName} does not answer and was never sampled: nothing shows that ${targetName} belongs to its replication set`,
      forcible: !reference,
    };
  }
  if (reference.systemIdentifier !== target.systemIdentifier) {
    return {
      id: 'topology',
      title,
      passed: false,
      detail: `${targetName} belongs to another cluster: system identifier ${target.systemIdentifier}, ${sourceName}'s is ${reference.systemIdentifier} (${reference.seen})`,
      forcible: false,
    };
  }
  if (
    reference.timeline !== undefined &&
    target.timeline !== undefined &&
    target.timeline < reference.timeline
  ) {
    return {
      id: 'topology',
      title,
      passed: false,
      detail: `${targetName} is on timeline ${target.timeline}, behind ${sourceName}'s timeline ${reference.timeline} (${reference.seen}): it missed a promotion and must be re-attached (pg_rewind) first`,
      forcible: false,
    };
  }
  const listed =
    source?.replicas?.includes(target.applicationName ?? '\u0000') ?? false;
  const upstreamMatches =
    target.upstream !== undefined && target.upstream === source?.address;
  if (source && target.streaming && !listed && !upstreamMatches) {
    return {
      id: 'topology',
      title,
      passed: false,
      detail: `${targetName} streams from ${
        target.upstream ?? 'an unknown upstream'
      }, and ${sourceName} (${
        source.address ?? 'address unknown'
      }) lists no standby named ${target.applicationName ?? '?'} among ${
        source.replicas?.join(', ') || 'no standby'
      }`,
      forcible: false,
    };
  }
  return {
    id: 'topology',
    title,
    passed: true,
    detail: `same system identifier ${target.systemIdentifier}${
      target.timeline !== undefined ? `, timeline ${target.timeline}` : ''
    }${
      listed || upstreamMatches
        ? `; ${targetName} streams from ${sourceName}`
        : ` (${reference.seen})`
    }`,
    forcible: false,
  };
};

/**
 * The target's lag, from a fresh look at both nodes: the WAL the source wrote
 * that the target has not received — what a failover would lose — as
 * Patroni's `maximum_lag_on_failover` counts it. (What it received but has
 * not replayed yet is no loss: the promotion waits for it.) When the source
 * is lost, against the source's last sampled position.
 */
const lag: Check = (plan, facts, { maxLagBytes }) => {
  const target = facts.target.state;
  if (!target || target.role !== 'standby') {
    return undefined;
  }
  const title = 'Target lag within the limit';
  const received = target.receiveLsn ?? target.lsn;
  const limit = formatBytes(maxLagBytes);
  const source = facts.source.state;
  if (source?.role === 'primary') {
    const behind = bytesBehind(source.lsn, received);
    const backlog = bytesBehind(received, target.lsn);
    return {
      id: 'lag',
      title,
      passed: behind <= maxLagBytes,
      detail: `${
        plan.target.node!.name
      } has received up to ${received}, ${formatBytes(behind)} behind ${
        plan.source.node!.name
      } at ${source.lsn} (limit ${limit})${
        backlog > 0
          ? `; ${formatBytes(backlog)} received wait to be replayed`
          : ''
      }`,
      forcible: true,
    };
  }
  if (!sourceLost(plan, facts)) {
    return undefined;
  }
  const last = facts.lastSource;
  if (!last?.lsn) {
    return {
      id: 'lag',
      title,
      passed: false,
      detail: `${
        plan.source.node?.name ?? plan.source.ref
      } does not answer and no sample of it gives its last WAL position: the data loss is unknown (limit ${limit})`,
      forcible: true,
    };
  }
  const behind = bytesBehind(last.lsn, received);
  return {
    id: 'lag',
    title,
    passed: behind <= maxLagBytes,
    detail: `${
      plan.target.node!.name
    } has received up to ${received}, at least ${formatBytes(behind)} behind ${
      plan.source.node!.name
    }'s last sampled position ${last.lsn} (${last.sampledAt}; limit ${limit})`,
    forcible: true,
  };
};

/**
 * The source can be fenced before the target is promoted: over its own
 * connection while it answers; when it does not (emergency failover), by an
 * out-of-band fencer, or on the operator's word (`sourceFenced`). Never
 * forcible: this is what keeps two primaries from taking writes.
 */
const fenceable: Check = (plan, facts) => {
  const node = plan.source.node;
  if (!node) {
    return undefined;
  }
  const title = 'The old primary can be fenced';
  const outOfBand = plan.outOfBandFencers.map(f => f.id).join(', ');
  if (!sourceLost(plan, facts)) {
    const fencer = plan.inBandFencer;
    let detail = `no fencer can fence ${node.name} while it answers`;
    if (fencer && plan.target.promoter?.demotesSource) {
      detail = `${node.name} is demoted by ${plan.target.promoter.id} itself during the promotion (${fencer.id} fencer)`;
    } else if (fencer) {
      detail = `${node.name} answers: the ${fencer.id} fencer fences it and the fence is verified before the promotion`;
    }
    return {
      id: 'fence',
      title,
      passed: Boolean(fencer),
      detail,
      forcible: false,
    };
  }
  if (outOfBand) {
    return {
      id: 'fence',
      title,
      passed: true,
      detail: `${
        node.name
      } does not answer: the ${outOfBand} fencer fences it before the promotion${
        plan.sourceFenced ? '; the operator also attests it is safe' : ''
      }`,
      forcible: false,
    };
  }
  if (plan.sourceFenced) {
    return {
      id: 'fence',
      title,
      passed: true,
      detail: `${node.name} does not answer and no fencer can fence it; the operator attests: "${plan.sourceFenced}"`,
      forcible: false,
    };
  }
  return {
    id: 'fence',
    title,
    passed: false,
    detail: `${node.name} does not answer and no fencer can fence it: it may only be frozen or cut off and come back taking writes. Make sure it is down or isolated and say what you did (sourceFenced), or configure regions.databases.${node.name}.fence`,
    forcible: false,
  };
};

const traffic: Check = plan => {
  let detail =
    'no traffic switch is named by meridian.dev/traffic; only the database fails over';
  if (plan.trafficProblems.length) {
    detail = plan.trafficProblems.join('; ');
  } else if (plan.switches.length) {
    detail = plan.switches
      .map(({ sw, address }) => `${sw.name} (${sw.driver}) → ${address}`)
      .join(', ');
  }
  return {
    id: 'traffic',
    title: 'Traffic switches serve both regions',
    passed: plan.trafficProblems.length === 0,
    detail,
    forcible: false,
  };
};

/** A canary failback needs switches that split traffic by weight, and steps up to 100 %. */
const canary: Check = plan => {
  if (!plan.canary) {
    return undefined;
  }
  const { percents } = plan.canary;
  const title = 'Traffic can shift in steps';
  const problems: string[] = [];
  if (plan.mode !== 'switchover') {
    problems.push(
      `a canary is for a switchover (a failback), not a ${plan.mode}`,
    );
  }
  const ascending = percents.every(
    (percent: number, i: number) =>
      percent > 0 && percent <= 100 && (i === 0 || percent > percents[i - 1]),
  );
  if (!ascending || percents[percents.length - 1] !== 100) {
    problems.push(
      `the steps ${percents.join(', ')} must rise from above 0 to 100 %`,
    );
  }
  if (plan.switches.length === 0) {
    problems.push('neither region names a traffic switch to shift');
  }
  const unweighted = plan.switches.filter(({ sw }) => !sw.weigh);
  if (unweighted.length) {
    problems.push(
      `${unweighted
        .map(({ sw }) => `${sw.name} (${sw.driver})`)
        .join(', ')} cannot split traffic by weight`,
    );
  }
  return {
    id: 'canary',
    title,
    passed: problems.length === 0,
    detail: problems.length
      ? problems.join('; ')
      : `${plan.switches
          .map(({ sw }) => sw.name)
          .join(', ')} shift to the target in steps of ${percents.join(
          ', ',
        )} %`,
    forcible: false,
  };
};

const readiness: Check = (plan, facts) => ({
  id: 'readiness',
  title: 'Target is production-ready',
  passed: facts.readiness ? facts.readiness.ready : true,
  detail: facts.readiness
    ? `${plan.target.ref} scores ${facts.readiness.score} ${
        facts.readiness.ready ? '≥' : '<'
      } threshold ${facts.readiness.threshold}`
    : facts.readinessError ?? 'readiness not evaluated yet',
  forcible: true,
});

/** Every pre-flight check, in the order a run shows them. */
const CHECKS: Check[] = [
  exclusive,
  sourceDatabase,
  targetDatabase,
  promoters,
  targetHealthy,
  sourcePrimary,
  topology,
  lag,
  fenceable,
  traffic,
  canary,
  readiness,
];

/**
 * The one pre-flight: used by runs and drills, the scheduled plan validation
 * and the takeover status alike.
 */
export function runChecks(
  plan: FailoverPlan,
  facts: FailoverFacts,
  context: CheckContext,
): FailoverPreflightCheck[] {
  return CHECKS.flatMap(check => check(plan, facts, context) ?? []);
}

/** The checks that stop a run: failed and not overridden by `force`. */
export function blockingChecks(
  checks: FailoverPreflightCheck[],
  force: boolean,
): FailoverPreflightCheck[] {
  return checks.filter(check => !check.passed && !(check.forcible && force));
}
