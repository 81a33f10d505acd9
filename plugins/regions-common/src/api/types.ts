import type { HealthStatus } from './health';
import { ObservedRole, ReplicationStatus } from './replication';
import {
  RegionLifecycle,
  RegionType,
  ReplicationRole,
} from '../entity/RegionEntity';

/** What kind of cross-region problem a conflict is. @public */
export type RegionConflictType =
  | 'cidr-overlap'
  | 'hub-cycle'
  | 'unresolved-ref'
  | 'invalid-replication-source'
  | 'database-binding'
  | 'traffic-binding'
  | 'split-brain'
  | (string & {});

/**
 * How bad a conflict is: `critical` when it can lose data now (two writable
 * primaries of one replication set), `warning` for everything else.
 * @public
 */
export type RegionConflictSeverity = 'warning' | 'critical';

/**
 * A problem the catalog cannot see from one entity alone, found by the
 * regions backend across all regions.
 * @public
 */
export interface RegionConflict {
  type: RegionConflictType;
  /** Canonical refs of every region involved. */
  regions: string[];
  /**
   * Canonical refs of the other entities involved (e.g. the Component a
   * `residency` conflict deploys where its data may not go).
   */
  entities?: string[];
  /** The field that causes it, e.g. `spec.network.cidr`. */
  field: string;
  message: string;
  /** `warning` when absent. */
  severity?: RegionConflictSeverity;
  /** ISO time when it was observed, for conflicts the collectors find on the nodes (not in the catalog). */
  observedAt?: string;
}

/** A region as the topology graph sees it. @public */
export interface TopologyRegion {
  ref: string;
  namespace: string;
  name: string;
  title?: string;
  type: RegionType;
  tier: 1 | 2 | 3;
  lifecycle: RegionLifecycle;
  owner: string;
  provider?: string;
  location?: {
    city?: string;
    country?: string;
    latitude?: number;
    longitude?: number;
  };
  cidr?: string;
  hub?: string;
  replication?: {
    role?: ReplicationRole;
    source?: string;
    /** The latest replication sample's verdict, when the collector has one. */
    status?: ReplicationStatus;
    /** The worst replica's lag in the latest sample. */
    lagSeconds?: number | null;
    lagBytes?: number | null;
    sampledAt?: string | null;
    /** What the node says it is (see `ObservedRole`). */
    observedRole?: ObservedRole;
    /** For a standby: the region it really streams from. */
    upstreamRegion?: string;
    /** Set when the observed role contradicts the declared one: the drift's message. */
    drift?: string;
  };
  /** `conflict` when any conflict names this region, else `ok`. */
  status: 'ok' | 'conflict';
  conflicts: number;
  /** The latest readiness evaluation, once the backend has one. */
  readiness?: TopologyReadiness;
  /** The region's probes, once they have checked. */
  health?: { status: HealthStatus; reason: string };
  /** `spec.userLatencyTargetMs` against the latency its probes measure. */
  userLatency?: MeasuredLatency;
}

/**
 * A latency target against a measurement: from Prometheus
 * (`regions.latency.prometheus`) or from the probes.
 * @public
 */
export interface MeasuredLatency {
  targetMs: number;
  /** Null when nothing measures it. */
  measuredMs: number | null;
  /** `measuredMs > targetMs`. */
  breached: boolean;
  source: 'prometheus' | 'probes' | null;
  /** ISO time of the measurement. */
  measuredAt: string | null;
}

/** A region's latest readiness score, as the topology carries it. @public */
export interface TopologyReadiness {
  /** 0–100. */
  score: number;
  /** `score >= threshold`. */
  ready: boolean;
  /** ISO time of the evaluation. */
  evaluatedAt: string;
}

/** An edge of the topology graph. @public */
export interface TopologyEdge {
  from: string;
  to: string;
  kind: 'hub' | 'link' | 'replication';
  latencyTargetMs?: number;
  transport?: string;
  /** For a link with a latency target: the measurement against it. */
  latency?: MeasuredLatency;
}

/** Answer of `GET /api/regions/topology`. @public */
export interface TopologyResponse {
  regions: TopologyRegion[];
  edges: TopologyEdge[];
  conflicts: RegionConflict[];
  /** When the backend last read the regions from the catalog; null before the first read. */
  syncedAt: string | null;
}

/** Answer of `GET /api/regions/regions/:namespace/:name`. @public */
export interface RegionSummaryResponse {
  region: TopologyRegion;
  conflicts: RegionConflict[];
  syncedAt: string | null;
}
