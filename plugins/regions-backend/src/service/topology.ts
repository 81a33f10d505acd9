import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  HealthStatus,
  RegionConflict,
  RegionEntity,
  TopologyEdge,
  TopologyReadiness,
  TopologyRegion,
  TopologyResponse,
  toTopologyRegion,
  topologyEdgesOf,
} from '@meridian/plugin-regions-common';
import {
  againstTarget,
  withMeasuredLatency,
} from '../collectors/latency/measuredLatency';
import { UserLatencyMeasurement } from '../collectors/probes/RegionHealth';
import { LinkMeasurement } from '../database/LinkLatencyStore';
import { ReplicationState } from '../database/ReplicationStore';
import { DriftEvidence, ObservedRoles, roleDriftOf } from './observedRoles';

/** A region with the number of conflicts that name it. */
export function summarizeRegion(
  region: RegionEntity,
  conflicts: RegionConflict[],
): TopologyRegion {
  const ref = stringifyEntityRef(region);
  return toTopologyRegion(
    region,
    conflicts.filter(c => c.regions.includes(ref)).length,
  );
}

/** What the topology takes from a region entity alone. */
type Declared = {
  ref: string;
  /** The region as shown when no conflict names it. */
  summary: TopologyRegion;
  edges: TopologyEdge[];
};

// The store shares one sync's entities between requests, so each entity is
// summarised once per sync rather than once per request.
const declaredOf = new WeakMap<RegionEntity, Declared>();

function declared(region: RegionEntity): Declared {
  let found = declaredOf.get(region);
  if (!found) {
    found = {
      ref: stringifyEntityRef(region),
      summary: toTopologyRegion(region, 0),
      edges: topologyEdgesOf(region),
    };
    declaredOf.set(region, found);
  }
  return found;
}

/** How many conflicts name each region, in one pass over the conflicts. */
function conflictCounts(conflicts: RegionConflict[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const conflict of conflicts) {
    for (const ref of new Set(conflict.regions)) {
      counts.set(ref, (counts.get(ref) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * Builds the topology graph: every region with its latest replication
 * outcome and observed role (with its drift from the declared one), and the
 * hub, link and replication edges between known regions, each link with its
 * measured latency against its target. Edges to refs that resolve to no region are
 * left out (so the graph never points at a missing node); the
 * `unresolved-ref` conflicts report them.
 */
export function buildTopology(
  snapshot: {
    regions: RegionEntity[];
    conflicts: RegionConflict[];
    syncedAt: Date | null;
  },
  observations: {
    replication: Map<string, ReplicationState>;
    readiness?: Map<string, TopologyReadiness>;
    observed?: { roles: ObservedRoles; evidence: DriftEvidence };
    /** Measured link latency, for the links' targets. */
    linkLatency?: LinkMeasurement[];
    /** Each region's health from its probes, by ref. */
    health?: Map<string, { status: HealthStatus; reason: string }>;
    /** Each region's user latency from its probes, by ref. */
    userLatency?: Map<string, UserLatencyMeasurement>;
  },
): TopologyResponse {
  const {
    replication,
    readiness = new Map(),
    observed,
    linkLatency = [],
    health,
    userLatency,
  } = observations;
  const { regions, conflicts, syncedAt } = snapshot;
  const declarations = regions.map(declared);
  const known = new Set(declarations.map(({ ref }) => ref));
  const counts = conflictCounts(conflicts);
  return {
    regions: regions.map((region, i) => {
      const { ref, summary: base } = declarations[i];
      const conflicted = counts.get(ref) ?? 0;
      const scored = readiness.get(ref);
      const probed = health?.get(ref);
      const userTargetMs = region.spec.userLatencyTargetMs;
      const summary = {
        ...(conflicted ? toTopologyRegion(region, conflicted) : base),
        ...(scored ? { readiness: scored } : {}),
        ...(probed ? { health: probed } : {}),
        ...(userLatency && userTargetMs !== undefined
          ? { userLatency: againstTarget(userTargetMs, userLatency.get(ref)) }
          : {}),
      };
      const latest = replication.get(summary.ref);
      if (!latest) {
        return summary;
      }
      const upstreamRegion = observed?.roles.upstreamRegionOf(
        latest.standby?.upstream,
      );
      const drift =
        observed &&
        roleDriftOf(
          region,
          latest.observedRole,
          upstreamRegion,
          observed.evidence,
        );
      return {
        ...summary,
        replication: {
          ...summary.replication,
          status: latest.status,
          lagSeconds: latest.lagSeconds,
          lagBytes: latest.lagBytes,
          sampledAt: latest.sampledAt.toISOString(),
          observedRole: latest.observedRole,
          ...(upstreamRegion ? { upstreamRegion } : {}),
          ...(drift ? { drift: drift.message } : {}),
        },
      };
    }),
    edges: withMeasuredLatency(
      declarations.flatMap(({ edges }) =>
        edges.filter(edge => known.has(edge.to)),
      ),
      linkLatency,
    ),
    conflicts,
    syncedAt: syncedAt?.toISOString() ?? null,
  };
}
