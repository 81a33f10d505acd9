import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import {
  ActiveFailoversResponse,
  CidrAllocationsResponse,
  CidrPoolsResponse,
  FailoverPreflightResponse,
  FailoverRequest,
  FailoverRun,
  FailoverRunsResponse,
  FailoverStartResponse,
  HealthResponse,
  CostResponse,
  RegionConflict,
  CostSummaryResponse,
  CostWindow,
  DriftFixResponse,
  RegionSummaryResponse,
  PlanResponse,
  ReadinessResponse,
  ReplicationResponse,
  ReplicationWindow,
  TopologyResponse,
} from '@meridian/plugin-regions-common';

/**
 * Reads what the regions backend knows across all regions: the topology with
 * each region's status, the conflicts the catalog alone cannot see, and each
 * region's replication.
 *
 * @public
 */
export interface RegionsApi {
  /** Every region with its tier, hub, links and status, plus the edges between them. */
  getTopology(): Promise<TopologyResponse>;

  /**
   * One region as the backend sees it, with the conflicts that name it.
   * Resolves to undefined when the backend does not know the region.
   */
  getRegion(
    ref: Pick<CompoundEntityRef, 'namespace' | 'name'>,
  ): Promise<RegionSummaryResponse | undefined>;

  /**
   * The conflicts that name a Component, Resource or System besides regions
   * (e.g. `residency`: it is deployed where its data may not go).
   */
  getEntityConflicts(entityRef: string): Promise<RegionConflict[]>;

  /**
   * The replication of one region's database: its status against the RPO, its
   * replicas or its standby view, and the lag history over `window`. Rejects
   * with a `ResponseError` when the backend does not know the region.
   */
  getReplication(
    ref: Pick<CompoundEntityRef, 'namespace' | 'name'>,
    window: ReplicationWindow,
  ): Promise<ReplicationResponse>;

  /**
   * The production-readiness scorecard of one region: its score against the
   * threshold, the six categories with their checks, and the score's trend.
   * Rejects with a `ResponseError` when the backend does not know the region.
   */
  getReadiness(
    ref: Pick<CompoundEntityRef, 'namespace' | 'name'>,
  ): Promise<ReadinessResponse>;

  /**
   * The health of one region's probes (`regions.probes`): its status, each
   * probe's state and the latency series over `window`. Rejects with a
   * `ResponseError` when the backend does not know the region.
   */
  getHealth(
    ref: Pick<CompoundEntityRef, 'namespace' | 'name'>,
    window: ReplicationWindow,
  ): Promise<HealthResponse>;

  /**
   * The latest scheduled validation of the region's failover plans and the
   * automatic failover policy's recent decisions. Rejects with a
   * `ResponseError` when the backend does not know the region.
   */
  getPlan(
    ref: Pick<CompoundEntityRef, 'namespace' | 'name'>,
  ): Promise<PlanResponse>;

  /**
   * Every failover run where the region is the source or the target, newest
   * first.
   */
  listFailovers(
    ref: Pick<CompoundEntityRef, 'namespace' | 'name'>,
  ): Promise<FailoverRunsResponse>;

  /**
   * The runs in progress across regions (pending, awaiting approval,
   * running), newest first: only those whose regions the user may read.
   */
  listActiveFailovers(): Promise<ActiveFailoversResponse>;

  /** One failover run with its steps, logs and pre-flight checks. */
  getFailover(id: string): Promise<FailoverRun>;

  /**
   * Starts a drill, switchover or failover. Rejects with a `ResponseError`
   * carrying the backend's message when it refuses: 400 bad request (e.g. a
   * `sourceFenced` that says nothing), 403 not allowed, 409 a run already in
   * progress.
   */
  startFailover(request: FailoverRequest): Promise<FailoverStartResponse>;

  /**
   * The pre-flight a run with this request would do, evaluated now, recording
   * and changing nothing. Rejects with a `ResponseError` carrying the
   * backend's message: 400 bad request, 403 not allowed to run failovers of
   * both regions.
   */
  previewFailover(request: FailoverRequest): Promise<FailoverPreflightResponse>;

  /**
   * Resumes an `interrupted` run where it stopped. Rejects with a
   * `ResponseError` carrying the backend's message: 403 not allowed, 404 no
   * such run, 409 not interrupted or another run holds its regions.
   */
  resumeFailover(id: string): Promise<FailoverStartResponse>;

  /**
   * Approves a run `awaiting-approval` as the signed-in user. Rejects with a
   * `ResponseError` carrying the backend's message: 403 not allowed to run
   * failovers of both regions, 409 not awaiting approval, the user's own run
   * or already approved by them.
   */
  approveFailover(id: string): Promise<FailoverStartResponse>;

  /**
   * Cancels a `pending`, `awaiting-approval` or `running` run; a running one
   * stops between steps and its error then says what was and was not
   * changed. Rejects with a `ResponseError` carrying the backend's message:
   * 403 not allowed, 409 the run has ended.
   */
  cancelFailover(id: string): Promise<FailoverStartResponse>;

  /**
   * Rewrites the `spec.replication` of a region landed by the provisioning
   * template to what its nodes say (only when its `RoleDrift.fix.landed`),
   * and answers the entity as written. Rejects with a `ResponseError`
   * carrying the backend's message.
   */
  fixDrift(
    ref: Pick<CompoundEntityRef, 'namespace' | 'name'>,
  ): Promise<DriftFixResponse>;

  /**
   * One region's cost: the daily series and breakdown over `window`, its
   * month against its budget, and for a hub its spokes' months. Rejects with
   * a `ResponseError` when the backend does not know the region.
   */
  getCost(
    ref: Pick<CompoundEntityRef, 'namespace' | 'name'>,
    window: CostWindow,
  ): Promise<CostResponse>;

  /** Every region's month so far against its budget, with the total. */
  getCostSummary(): Promise<CostSummaryResponse>;

  /** The CIDR pools of `regions.pools`, each with its use and next free block. */
  getPools(): Promise<CidrPoolsResponse>;

  /** Every block allocated to a region from a pool. */
  getAllocations(): Promise<CidrAllocationsResponse>;
}

/**
 * The {@link RegionsApi} of the regions plugin.
 *
 * @public
 */
export const regionsApiRef = createApiRef<RegionsApi>({
  id: 'plugin.regions.service',
});
