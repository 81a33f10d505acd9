import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  FailoverRun,
  ObservedRole,
  RegionEntity,
  RegionSpec,
  RoleDrift,
  SOURCE_ROLES,
  STANDBY_ROLES,
} from '@meridian/plugin-regions-common';
import { DatabaseNode } from '@meridian/plugin-regions-node';
import { stringify } from 'yaml';
import { addressOf } from '../postgres/connection';

/** What tells whether a region drifted, and since when. */
export interface DriftEvidence {
  /** The succeeded promotions (switchovers, failovers, detected), newest first. */
  promotions: FailoverRun[];
  /** The refs of the regions landed by the provisioning template. */
  landed: Set<string>;
  /** Whether the drift fix opens a pull request on the file of a region defined in git. */
  inGithub?: (region: RegionEntity) => boolean;
}

const isOneOf = (roles: readonly string[], role: string | null) =>
  role !== null && roles.includes(role);

/**
 * The region bound to the node a standby streams from (`host:port` of its
 * WAL receiver), when config binds that node to exactly one region.
 */
export function regionStreamedFrom(
  upstream: string | undefined,
  nodes: Map<string, DatabaseNode>,
): string | undefined {
  if (!upstream) {
    return undefined;
  }
  const node = [...nodes.values()].find(
    candidate =>
      candidate.connection && addressOf(candidate.connection) === upstream,
  );
  return node?.regions.length === 1 ? node.regions[0] : undefined;
}

/**
 * Where what a region's node says contradicts what its entity declares: a
 * declared standby that runs as a primary, a declared primary that is a
 * standby or fenced. Names the run that made it so, and the change that makes
 * the catalog say what the nodes say.
 */
export function roleDriftOf(
  region: RegionEntity,
  observed: ObservedRole,
  upstreamRegion: string | undefined,
  evidence: DriftEvidence,
): RoleDrift | undefined {
  const ref = stringifyEntityRef(region);
  const declared = region.spec.replication?.role ?? null;
  const nowPrimary = observed === 'primary';
  const nowStandby = observed === 'standby' || observed === 'fenced';
  // A logical subscriber is a writable primary by design, not a promoted standby.
  const subscriber = region.spec.replication?.mode === 'logical';
  const drifted =
    (isOneOf(STANDBY_ROLES, declared) && nowPrimary && !subscriber) ||
    (isOneOf(SOURCE_ROLES, declared) && nowStandby);
  if (!drifted) {
    return undefined;
  }
  const run = evidence.promotions.find(promotion =>
    nowPrimary ? promotion.target === ref : promotion.region === ref,
  );
  const since = run && {
    runId: run.id,
    mode: run.mode,
    at: run.finishedAt ?? run.createdAt,
  };
  const replication: RegionReplication = nowPrimary
    ? withoutSource({ ...region.spec.replication, role: 'primary' })
    : {
        ...region.spec.replication,
        role: 'warm-standby',
        ...(upstreamRegion ?? run?.target
          ? { source: upstreamRegion ?? run!.target }
          : {}),
      };
  return {
    declared,
    observed,
    message: `declared ${declared}, ${observed}${
      since ? ` since run ${since.runId} (${since.mode}) on ${since.at}` : ''
    }`,
    ...(since ? { since } : {}),
    fix: {
      landed: evidence.landed.has(ref),
      ...(!evidence.landed.has(ref) && evidence.inGithub?.(region)
        ? { pullRequest: true }
        : {}),
      yaml: stringify({ spec: { replication } }),
    },
  };
}

type RegionReplication = NonNullable<RegionSpec['replication']>;

function withoutSource(replication: RegionReplication): RegionReplication {
  const { source: _source, ...rest } = replication;
  return rest;
}

/**
 * Reads the evidence drift needs — the recent promotions, the landed
 * regions and which regions' files a pull request can change — for the replication route and the topology alike.
 */
export class ObservedRoles {
  constructor(
    private readonly deps: {
      nodes: Map<string, DatabaseNode>;
      promotions: (since: Date) => Promise<FailoverRun[]>;
      landed: () => Promise<string[]>;
      /** Absent: no fix opens a pull request. */
      inGithub?: (region: RegionEntity) => boolean;
    },
  ) {}

  /** How far back a run still explains a region's role. */
  private static readonly LOOKBACK_MS = 365 * 24 * 3600_000;

  async evidence(): Promise<DriftEvidence> {
    const [promotions, landed] = await Promise.all([
      this.deps.promotions(new Date(Date.now() - ObservedRoles.LOOKBACK_MS)),
      this.deps.landed(),
    ]);
    return {
      promotions,
      landed: new Set(landed),
      inGithub: this.deps.inGithub,
    };
  }

  /** The region a standby really streams from, from its WAL receiver's upstream. */
  upstreamRegionOf(upstream: string | undefined): string | undefined {
    return regionStreamedFrom(upstream, this.deps.nodes);
  }
}
