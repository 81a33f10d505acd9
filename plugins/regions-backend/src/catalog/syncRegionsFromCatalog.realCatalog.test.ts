import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
  CatalogService,
} from '@backstage/plugin-catalog-node';
import catalogModuleRegions from '@meridian/plugin-catalog-backend-module-regions';
import { region } from '../__testUtils__/region';
import { builtInConflictRules } from '../conflicts';
import { DatabaseRegionsStore } from '../database/DatabaseRegionsStore';
import { eventually } from '../failover/testing/eventually';
import { syncRegionsFromCatalog } from './syncRegionsFromCatalog';

const location = {
  'backstage.io/managed-by-location': 'url:https://example.test/catalog',
  'backstage.io/managed-by-origin-location': 'url:https://example.test/catalog',
};

function deployed(
  kind: string,
  name: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, annotations: { ...location, ...annotations } },
    spec: { type: 'service', lifecycle: 'production', owner: 'sre' },
  };
}

/**
 * The real catalog, fed by a provider, and the catalog service the regions
 * plugin reads it through: the sync's filters are the catalog's to apply,
 * which an in-memory stand-in may read differently.
 */
async function startCatalog(entities: Entity[]) {
  let catalog: CatalogService | undefined;
  const provider = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-entities',
    register(reg) {
      reg.registerInit({
        deps: { processing: catalogProcessingExtensionPoint },
        async init({ processing }) {
          processing.addEntityProvider({
            getProviderName: () => 'test-entities',
            connect: connection =>
              connection.applyMutation({
                type: 'full',
                entities: entities.map(entity => ({
                  entity,
                  locationKey: 'test-entities',
                })),
              }),
          });
        },
      });
    },
  });
  const reader = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-reader',
    register(reg) {
      reg.registerInit({
        deps: { service: catalogServiceRef },
        async init({ service }) {
          catalog = service;
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [catalogPlugin, catalogModuleRegions, provider, reader],
  });
  return { backend, catalog: catalog! };
}

describe('syncRegionsFromCatalog against the real catalog', () => {
  it('finds the entities that name a residency among many that do not, and their conflicts', async () => {
    const { backend, catalog } = await startCatalog([
      region('sa-east', { residency: ['LGPD'] }, { annotations: location }),
      region('us-east', {}, { annotations: location }),
      deployed('Resource', 'customers-db', {
        'meridian.dev/residency': 'LGPD',
        'meridian.dev/regions': 'sa-east, us-east',
      }),
      ...Array.from({ length: 20 }, (_, i) =>
        deployed('Component', `service-${i}`, {
          'meridian.dev/regions': 'us-east',
        }),
      ),
    ]);
    try {
      // the catalog processes what the provider gave it in the background
      await eventually(
        async () => {
          const { items } = await catalog.getEntities(
            { filter: { kind: ['Region', 'Resource', 'Component'] } },
            { credentials: mockCredentials.service() },
          );
          return items.length === 23;
        },
        { timeoutMs: 60_000, what: 'catalog holding all 23 entities' },
      );
      const store = { replaceSnapshot: jest.fn() };
      await syncRegionsFromCatalog({
        catalog,
        auth: mockServices.auth(),
        store: store as unknown as DatabaseRegionsStore,
        rules: builtInConflictRules,
        logger: mockServices.logger.mock(),
      });

      const [{ regions, conflicts }] = store.replaceSnapshot.mock.calls[0];
      expect(regions.map(stringifyEntityRef)).toEqual([
        'region:default/sa-east',
        'region:default/us-east',
      ]);
      expect(conflicts).toEqual([
        expect.objectContaining({
          type: 'residency',
          regions: ['region:default/us-east'],
          entities: ['resource:default/customers-db'],
        }),
      ]);
    } finally {
      await backend.stop();
    }
  });
});
