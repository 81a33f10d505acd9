import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  CidrAllocationResponse,
  CidrPoolsResponse,
  ReadinessResponse,
  RegionEntity,
} from '@meridian/plugin-regions-common';

/** An answer of the regions backend other than 2xx, with its message. */
export class RegionsBackendError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'RegionsBackendError';
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

  /** The region's readiness; undefined when it has not been evaluated. */
  async readiness(regionRef: string): Promise<ReadinessResponse | undefined> {
    const { namespace, name } = parseEntityRef(regionRef);
    const path = `/regions/${encodeURIComponent(
      namespace,
    )}/${encodeURIComponent(name)}/readiness`;
    try {
      return await this.request<ReadinessResponse>(path);
    } catch (error) {
      if (error instanceof RegionsBackendError && error.status === 404) {
        return undefined;
      }
      throw error;
    }
  }

  private async request<T>(path: string, init: RequestInit = {}): Promise<T> {
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
      const error = await ResponseError.fromResponse(response);
      throw new RegionsBackendError(
        response.status,
        `regions backend: ${error.body?.error?.message ?? error.message}`,
      );
    }
    return (await response.json()) as T;
  }
}
