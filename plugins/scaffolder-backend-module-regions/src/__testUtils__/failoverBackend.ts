import { createBackendModule } from '@backstage/backend-plugin-api';
// The failover is run by the real plugin on a real PostgreSQL pair.
/* eslint-disable @backstage/no-mixed-plugin-imports */
import {
  eastWestDatabases,
  eventually,
  memoryTrafficSwitchFactory,
  PostgresPair,
  US_EAST,
  US_WEST,
  usEastWestPair,
} from '@meridian/plugin-regions-backend/testUtils';
import { regionsFailoverExtensionPoint } from '@meridian/plugin-regions-node';
/* eslint-enable @backstage/no-mixed-plugin-imports */
import { FailoverRun } from '@meridian/plugin-regions-common';
import { startRegionsBackend } from './regionsBackend';

export { US_EAST, US_WEST };

/** The user the mock action context runs tasks as, and an owner of both regions. */
export const OWNER = 'user:default/mock';
/** Another owner of both regions, who may approve OWNER's runs. */
export const OTHER_OWNER = 'user:default/ana.souza';

/** Where the `api-dns` switch sends each region's traffic. */
export const ADDRESSES = { [US_EAST]: '10.48.0.10', [US_WEST]: '10.49.0.10' };

/**
 * The real regions backend (see {@link startRegionsBackend}) failing over the
 * lab pair as the plugin's own failover tests configure it: us-east the
 * primary on `us-east-db` (the pair's primary), us-west its streaming standby
 * on `us-west-db`, us-east's traffic behind the `api-dns` switch (the memory
 * driver, pointing at us-east), the old primary fenced by the built-in sql
 * fencer, the standby promoted by the built-in PostgreSQL promoter. OWNER and
 * OTHER_OWNER may do anything, any other user nothing. By default the
 * readiness gate is out of the way (threshold 0): the test regions have no
 * runbook nor drill to score on.
 */
export async function startFailoverBackend(
  pair: PostgresPair,
  options: { readinessThreshold?: number } = {},
) {
  const pointsAt = new Map([['api-dns', [ADDRESSES[US_EAST]]]]);
  const memoryTraffic = createBackendModule({
    pluginId: 'regions',
    moduleId: 'memory-traffic',
    register(reg) {
      reg.registerInit({
        deps: { failover: regionsFailoverExtensionPoint },
        async init({ failover }) {
          failover.addTrafficSwitchFactory(
            memoryTrafficSwitchFactory(pointsAt),
          );
        },
      });
    },
  });
  const backend = await startRegionsBackend({
    entities: usEastWestPair({
      eastAnnotations: { 'meridian.dev/traffic': 'api-dns' },
    }),
    config: {
      regions: {
        databases: eastWestDatabases(pair),
        traffic: { 'api-dns': { driver: 'memory', addresses: ADDRESSES } },
        readiness: { threshold: options.readinessThreshold ?? 0 },
      },
    },
    allowedUsers: [OWNER, OTHER_OWNER],
    features: [memoryTraffic],
  });

  const run = (id: string): Promise<FailoverRun> =>
    backend.get(`/failovers/${encodeURIComponent(id)}`);
  return {
    ...backend,
    /** What the `api-dns` switch answers. */
    traffic: () => pointsAt.get('api-dns'),
    run,
    /** Every run of a region, newest first, as its Failovers tab lists them. */
    runsOf: async (regionRef: string): Promise<FailoverRun[]> => {
      const [, name] = regionRef.split('/');
      return (await backend.get(`/regions/default/${name}/failovers`)).runs;
    },
    /** The runs in progress across regions (`GET /failovers?status=active`). */
    activeRuns: async (): Promise<Array<{ id: string; status: string }>> =>
      (await backend.get('/failovers?status=active')).runs,
    /** Waits until the run is in `status`, and answers it. */
    until: async (id: string, status: FailoverRun['status']) =>
      eventually(
        async () => {
          const current = await run(id);
          return current.status === status && current;
        },
        {
          timeoutMs: 30_000,
          what: `failover run ${id} ${status}`,
          describe: async () => `it is ${(await run(id)).status}`,
        },
      ),
  };
}
