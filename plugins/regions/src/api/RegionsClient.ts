import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
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
  CostSummaryResponse,
  CostWindow,
  DriftFixResponse,
  RegionSummaryResponse,
  PlanResponse,
  ReadinessResponse,
  RegionConflict,
  ReplicationResponse,
  ReplicationWindow,
  TopologyResponse,
} from '@meridian/plugin-regions-common';
import { RegionsApi } from './RegionsApi';

function regionPath(ref: Pick<CompoundEntityRef, 'namespace' | 'name'>) {
  return `/regions/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(
    ref.name,
  )}`;
}

/**
 * Talks to the `regions` backend plugin over HTTP.
 *
 * @public
 */
export class RegionsClient implements RegionsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getTopology(): Promise<TopologyResponse> {
    const response = await this.request('/topology');
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async getRegion(
    ref: Pick<CompoundEntityRef, 'namespace' | 'name'>,
  ): Promise<RegionSummaryResponse | undefined> {
    const response = await this.request(regionPath(ref));
    // A region the backend has not read from the catalog yet is not an error.
    if (response.status === 404) {
      return undefined;
    }
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async getEntityConflicts(entityRef: string): Promise<RegionConflict[]> {
    const response = await this.request(
      `/conflicts?entity=${encodeURIComponent(entityRef)}`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()).conflicts;
  }

  async getReplication(
    ref: Pick<CompoundEntityRef, 'namespace' | 'name'>,
    window: ReplicationWindow,
  ): Promise<ReplicationResponse> {
    const response = await this.request(
      `${regionPath(ref)}/replication?window=${encodeURIComponent(window)}`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async getReadiness(
    ref: Pick<CompoundEntityRef, 'namespace' | 'name'>,
  ): Promise<ReadinessResponse> {
    const response = await this.request(`${regionPath(ref)}/readiness`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async getHealth(
    ref: Pick<CompoundEntityRef, 'namespace' | 'name'>,
    window: ReplicationWindow,
  ): Promise<HealthResponse> {
    const response = await this.request(
      `${regionPath(ref)}/health?window=${encodeURIComponent(window)}`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async getPlan(
    ref: Pick<CompoundEntityRef, 'namespace' | 'name'>,
  ): Promise<PlanResponse> {
    const response = await this.request(`${regionPath(ref)}/plan`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async listFailovers(
    ref: Pick<CompoundEntityRef, 'namespace' | 'name'>,
  ): Promise<FailoverRunsResponse> {
    const response = await this.request(`${regionPath(ref)}/failovers`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async listActiveFailovers(): Promise<ActiveFailoversResponse> {
    const response = await this.request('/failovers?status=active');
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async getFailover(id: string): Promise<FailoverRun> {
    const response = await this.request(`/failovers/${encodeURIComponent(id)}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async startFailover(
    request: FailoverRequest,
  ): Promise<FailoverStartResponse> {
    const response = await this.post('/failovers', request);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async previewFailover(
    request: FailoverRequest,
  ): Promise<FailoverPreflightResponse> {
    const response = await this.post('/failovers/preflight', request);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async resumeFailover(id: string): Promise<FailoverStartResponse> {
    const response = await this.post(
      `/failovers/${encodeURIComponent(id)}/resume`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async approveFailover(id: string): Promise<FailoverStartResponse> {
    const response = await this.post(
      `/failovers/${encodeURIComponent(id)}/approve`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async cancelFailover(id: string): Promise<FailoverStartResponse> {
    const response = await this.post(
      `/failovers/${encodeURIComponent(id)}/cancel`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async fixDrift(
    ref: Pick<CompoundEntityRef, 'namespace' | 'name'>,
  ): Promise<DriftFixResponse> {
    const response = await this.post(`${regionPath(ref)}/drift/fix`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async getCost(
    ref: Pick<CompoundEntityRef, 'namespace' | 'name'>,
    window: CostWindow,
  ): Promise<CostResponse> {
    const response = await this.request(
      `${regionPath(ref)}/cost?window=${encodeURIComponent(window)}`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async getCostSummary(): Promise<CostSummaryResponse> {
    const response = await this.request('/costs');
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async getPools(): Promise<CidrPoolsResponse> {
    const response = await this.request('/pools');
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  async getAllocations(): Promise<CidrAllocationsResponse> {
    const response = await this.request('/allocations');
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }

  private async request(path: string): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('regions');
    return this.fetchApi.fetch(`${baseUrl}${path}`);
  }

  private async post(path: string, body?: unknown): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('regions');
    return this.fetchApi.fetch(`${baseUrl}${path}`, {
      method: 'POST',
      ...(body === undefined
        ? {}
        : {
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
          }),
    });
  }
}
