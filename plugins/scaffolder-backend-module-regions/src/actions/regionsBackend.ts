import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  CidrAllocationResponse,
  CidrPoolsResponse,
  FailoverRequest,
  FailoverRun,
  FailoverStartResponse,
  ReadinessResponse,
  RegionEntity,
} from '@meridian/plugin-regions-common';

/**
 * An answer of the regions backend other than 2xx, as the error Backstage
 * would raise for its status, with the backend's message: `what` failed.
 */
async function backendError(response: Response, what: string): Promise<Error> {
  let detail = response.statusText;
  try {
    const body = await response.json();
    detail = body?.error?.message ?? detail;
  } catch {
    // not JSON: keep the status text
  }
  const message = `${what}: ${detail} (HTTP ${response.status})`;
  switch (response.status) {
    case 400:
      return new InputError(message);
    case 401:
    case 403:
      return new NotAllowedError(message);
    case 404:
      return new NotFoundError(message);
    case 409:
      return new ConflictError(message);
    default:
      return new Error(message);
  }
}

/** What the actions need to reach the regions backend. */
export interface RegionsBackendOptions {
  discovery: DiscoveryService;
  auth: AuthService;
}

/**
 * Calls the regions backend on behalf of the task's initiator, with a token
 * the auth service issues for the `regions` plugin.
 */
export class RegionsBackendClient {
  constructor(
    private readonly options: RegionsBackendOptions,
    private readonly credentials: BackstageCredentials,
  ) {}

  /** The region's block from the pool: the one it holds, or a new one. */
  allocate(pool: string, region: string): Promise<CidrAllocationResponse> {
    return this.request('/allocations', {
      method: 'POST',
      body: JSON.stringify({ pool, region }),
    });
  }

  /** Every pool with the block the next allocation would get. */
  pools(): Promise<CidrPoolsResponse> {
    return this.request('/pools');
  }

  /** Stores a Region entity for the catalog module's provider to serve. */
  async land(entity: RegionEntity): Promise<void> {
    await this.request('/landings', {
      method: 'POST',
      body: JSON.stringify({ entity }),
    });
  }

  /** Starts a failover run; `what` names it in errors. */
  startFailover(
    request: FailoverRequest,
    what: string,
    signal?: AbortSignal,
  ): Promise<FailoverStartResponse> {
    return this.request(
      '/failovers',
      { method: 'POST', body: JSON.stringify(request), signal },
      what,
    );
  }

  /** A failover run as it stands. */
  getFailover(id: string, signal?: AbortSignal): Promise<FailoverRun> {
    return this.request(
      `/failovers/${encodeURIComponent(id)}`,
      { signal },
      `Could not read failover run ${id}`,
    );
  }

  /** The region's readiness; undefined when it has not been evaluated. */
  async readiness(regionRef: string): Promise<ReadinessResponse | undefined> {
    const { namespace, name } = parseEntityRef(regionRef);
    const path = `/regions/${encodeURIComponent(
      namespace,
    )}/${encodeURIComponent(name)}/readiness`;
    try {
      return await this.request<ReadinessResponse>(path);
    } catch (error) {
      if (error instanceof NotFoundError) {
        return undefined;
      }
      throw error;
    }
  }

  private async request<T>(
    path: string,
    init: RequestInit = {},
    what = 'regions backend',
  ): Promise<T> {
    const { discovery, auth } = this.options;
    const baseUrl = await discovery.getBaseUrl('regions');
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: this.credentials,
      targetPluginId: 'regions',
    });
    const response = await fetch(`${baseUrl}${path}`, {
      ...init,
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token}`,
      },
    });
    if (!response.ok) {
      throw await backendError(response, what);
    }
    return (await response.json()) as T;
  }
}
