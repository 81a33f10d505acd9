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

const utf8 = (value: unknown) => Buffer.from(JSON.stringify(value));
const COMMA = Buffer.from(',');

/** What the topology takes from a region entity alone. */
type Declared = {
  ref: string;
  /** The region as shown when no conflict names it. */
  summary: TopologyRegion;
  /** `summary` as UTF-8 JSON. */
  summaryJson: Buffer;
  edges: Array<{ edge: TopologyEdge; json: Buffer }>;
};

// The store shares one sync's entities between requests, so each entity is
// summarised and encoded once per sync rather than once per request: at
// 10,000 regions, building, serialising and encoding 3 MB of topology anew
// took most of a request's time. A request copies the encoded parts into one
// buffer, adding what was observed.
const declaredOf = new WeakMap<RegionEntity, Declared>();

function declared(region: RegionEntity): Declared {
  let found = declaredOf.get(region);
  if (!found) {
    const summary = toTopologyRegion(region, 0);
    found = {
      ref: stringifyEntityRef(region),
      summary,
      summaryJson: utf8(summary),
      edges: topologyEdgesOf(region).map(edge => ({
        edge,
        json: utf8(edge),
      })),
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

/** What the collectors observed, by region ref. */
export type TopologyObservations = {
  replication: Map<string, ReplicationState>;
  readiness?: Map<string, TopologyReadiness>;
  observed?: { roles: ObservedRoles; evidence: DriftEvidence };
  /** Measured link latency, for the links' targets. */
  linkLatency?: LinkMeasurement[];
  /** Each region's health from its probes, by ref. */
  health?: Map<string, { status: HealthStatus; reason: string }>;
  /** Each region's user latency from its probes, by ref. */
  userLatency?: Map<string, UserLatencyMeasurement>;
};

/**
 * One region of the topology as JSON: its declared summary with what was
 * observed of it (readiness, health, user latency), or, where a conflict
 * names it or its replication was sampled, the region rebuilt whole.
 */
function regionJson(
  region: RegionEntity,
  { ref, summary: base, summaryJson }: Declared,
  conflicted: number,
  observations: TopologyObservations,
): Buffer[] {
  const { replication, readiness, observed, health, userLatency } =
    observations;
  const scored = readiness?.get(ref);
  const probed = health?.get(ref);
  const userTargetMs = region.spec.userLatencyTargetMs;
  const measuresUsers = userLatency && userTargetMs !== undefined;
  const seen: Partial<TopologyRegion> = {
    ...(scored ? { readiness: scored } : {}),
    ...(probed ? { health: probed } : {}),
    ...(measuresUsers
      ? { userLatency: againstTarget(userTargetMs, userLatency.get(ref)) }
      : {}),
  };
  const latest = replication.get(ref);
  if (!conflicted && !latest) {
    // the summary without its closing brace, then the observed fields
    return scored || probed || measuresUsers
      ? [
          summaryJson.subarray(0, -1),
          Buffer.from(`,${JSON.stringify(seen).slice(1)}`),
        ]
      : [summaryJson];
  }
  const summary: TopologyRegion = {
    ...(conflicted ? toTopologyRegion(region, conflicted) : base),
    ...seen,
  };
  if (!latest) {
    return [utf8(summary)];
  }
  const upstreamRegion = observed?.roles.upstreamRegionOf(
    latest.standby?.upstream,
  );
  const drift =
    observed &&
    roleDriftOf(region, latest.observedRole, upstreamRegion, observed.evidence);
  return [
    utf8({
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
    }),
  ];
}

/**
 * The topology graph as the UTF-8 JSON of a {@link TopologyResponse}: every
 * region with its latest replication outcome and observed role (with its
 * drift from the declared one), and the hub, link and replication edges
 * between known regions, each link with its measured latency against its
 * target. Edges to refs that resolve to no region are left out (so the graph
 * never points at a missing node); the `unresolved-ref` conflicts report them.
 */
export function topologyJson(
  snapshot: {
    regions: RegionEntity[];
    conflicts: RegionConflict[];
    syncedAt: Date | null;
  },
  observations: TopologyObservations,
): Buffer {
  const { regions, conflicts, syncedAt } = snapshot;
  const declarations = regions.map(declared);
  const known = new Set(declarations.map(({ ref }) => ref));
  const counts = conflictCounts(conflicts);
  const chunks: Buffer[] = [Buffer.from('{"regions":[')];
  regions.forEach((region, i) => {
    if (i > 0) {
      chunks.push(COMMA);
    }
    const declaration = declarations[i];
    chunks.push(
      ...regionJson(
        region,
        declaration,
        counts.get(declaration.ref) ?? 0,
        observations,
      ),
    );
  });
  chunks.push(Buffer.from('],"edges":['));
  let first = true;
  for (const { edges } of declarations) {
    for (const { edge, json } of edges) {
      if (!known.has(edge.to)) {
        continue;
      }
      if (!first) {
        chunks.push(COMMA);
      }
      first = false;
      // only a link with a target carries a measurement, which changes
      chunks.push(
        edge.kind === 'link' && edge.latencyTargetMs !== undefined
          ? utf8(withMeasuredLatency([edge], observations.linkLatency ?? [])[0])
          : json,
      );
    }
  }
  const rest: Omit<TopologyResponse, 'regions' | 'edges'> = {
    conflicts,
    syncedAt: syncedAt?.toISOString() ?? null,
  };
  chunks.push(Buffer.from(`],${JSON.stringify(rest).slice(1)}`));
  return Buffer.concat(chunks);
}
