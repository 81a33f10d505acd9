import { BackendFeature, ServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
// The tests run the actions against the real plugin they call, not a stand-in.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import regionsPlugin from '@meridian/plugin-regions-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { allowOnlyUsers } from '@meridian/plugin-regions-backend/testUtils';
import { CidrAllocation, RegionEntity } from '@meridian/plugin-regions-common';
import { AddressInfo } from 'node:net';
import { RegionsBackendOptions } from '../actions/regionsBackend';

/** A user's call to the regions backend: its HTTP status and JSON body. */
export interface BackendAnswer {
  status: number;
  body: any;
}

/**
 * The real regions backend plugin under startTestBackend — its router,
 * readiness scoring, CIDR allocator, failover orchestrator, stores (in-memory
 * SQLite) and permission checks — on a loopback port, with a catalog holding
 * `entities`, synced once. The actions reach it as in production: through
 * discovery, with a token the auth service issues on behalf of the task's
 * initiator.
 *
 * The scheduler is a mock: the catalog sync runs once here, the other tasks
 * (collectors, the recovery of stale runs) only when a test runs them with
 * `runTask`. Failover runs need none of them: the orchestrator executes each
 * run in the process that started it, and the readiness gate scores a region
 * on demand.
 */
export async function startRegionsBackend(
  options: {
    entities?: Entity[];
    config?: JsonObject;
    /** The permission framework's decision on every request; by default permissions are off (all allowed). */
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    /** A policy instead: these users may do everything, any other nothing. */
    allowedUsers?: string[];
    /** Modules of the regions plugin, e.g. a traffic switch driver. */
    features?: (BackendFeature | ServiceFactory)[];
  } = {},
) {
  const scheduler = mockServices.scheduler.mock();
  const permissions = options.allowedUsers
    ? allowOnlyUsers(options.allowedUsers).factory
    : mockServices.permissions.factory(
        options.permission ? { result: options.permission } : undefined,
      );
  const backend = await startTestBackend({
    features: [
      regionsPlugin,
      catalogServiceMock.factory({ entities: options.entities ?? [] }),
      mockServices.rootConfig.factory({ data: options.config ?? {} }),
      permissions,
      scheduler.factory,
      ...(options.features ?? []),
    ],
  });
  /** Runs a scheduled task of the plugin the way the scheduler would. */
  const runTask = async (id: string) => {
    const [task] = scheduler.scheduleTask.mock.calls.find(
      ([scheduled]) => scheduled.id === id,
    )!;
    await task.fn(new AbortController().signal);
  };
  // the catalog sync the scheduler would run 3 s after startup
  await runTask('regions-catalog-sync');

  const { port } = backend.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/api`;
  /** Calls the backend's API as `user` (by default the mock user, the tasks' initiator). */
  const call = async (
    method: 'GET' | 'POST',
    path: string,
    request: { body?: object; user?: string } = {},
  ): Promise<BackendAnswer> => {
    const response = await fetch(`${baseUrl}/regions${path}`, {
      method,
      headers: {
        authorization: mockCredentials.user.header(request.user),
        ...(request.body ? { 'content-type': 'application/json' } : {}),
      },
      ...(request.body ? { body: JSON.stringify(request.body) } : {}),
    });
    return { status: response.status, body: await response.json() };
  };
  const get = async (path: string) => {
    const { status, body } = await call('GET', path);
    if (status !== 200) {
      throw new Error(`GET ${path}: HTTP ${status}`);
    }
    return body;
  };

  const actionOptions: RegionsBackendOptions = {
    discovery: {
      getBaseUrl: async pluginId => `${baseUrl}/${pluginId}`,
      getExternalBaseUrl: async pluginId => `${baseUrl}/${pluginId}`,
    },
    auth: mockServices.auth(),
  };
  return {
    options: actionOptions,
    call,
    get,
    runTask,
    /** The blocks the backend holds, as its API lists them. */
    allocations: async (): Promise<CidrAllocation[]> =>
      (await get('/allocations')).allocations,
    /** The Region entities landed for the catalog module's provider. */
    landings: async (): Promise<RegionEntity[]> =>
      (await get('/landings')).entities,
    stop: () => backend.stop(),
  };
}

export { regionEntity as region } from '@meridian/plugin-regions-common/testUtils';
