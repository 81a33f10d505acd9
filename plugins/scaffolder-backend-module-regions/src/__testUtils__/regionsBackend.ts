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
import { CidrAllocation, RegionEntity } from '@meridian/plugin-regions-common';
import { AddressInfo } from 'node:net';
import { RegionsBackendOptions } from '../actions/regionsBackend';

/**
 * The real regions backend plugin under startTestBackend — its router,
 * readiness scoring, CIDR allocator, stores (in-memory SQLite) and permission
 * checks — on a loopback port, with a catalog holding `entities`, synced once.
 * The actions reach it as in production: through discovery, with a token the
 * auth service issues on behalf of the task's initiator.
 */
export async function startRegionsBackend(
  options: {
    entities?: Entity[];
    config?: JsonObject;
    /** The permission framework's decision on every request; by default permissions are off (all allowed). */
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  } = {},
) {
  const scheduler = mockServices.scheduler.mock();
  const backend = await startTestBackend({
    features: [
      regionsPlugin,
      catalogServiceMock.factory({ entities: options.entities ?? [] }),
      mockServices.rootConfig.factory({ data: options.config ?? {} }),
      mockServices.permissions.factory(
        options.permission ? { result: options.permission } : undefined,
      ),
      scheduler.factory,
    ],
  });
  // the catalog sync the scheduler would run 3 s after startup
  const [sync] = scheduler.scheduleTask.mock.calls.find(
    ([task]) => task.id === 'regions-catalog-sync',
  )!;
  await sync.fn(new AbortController().signal);

  const { port } = backend.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/api`;
  const get = async (path: string) => {
    const response = await fetch(`${baseUrl}/regions${path}`, {
      headers: { authorization: mockCredentials.user.header() },
    });
    if (!response.ok) {
      throw new Error(`GET ${path}: HTTP ${response.status}`);
    }
    return response.json();
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
