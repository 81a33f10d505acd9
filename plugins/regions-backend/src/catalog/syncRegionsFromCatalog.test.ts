import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { region } from '../__testUtils__/region';
import { builtInConflictRules } from '../conflicts';
import { DatabaseRegionsStore } from '../database/DatabaseRegionsStore';
import { syncRegionsFromCatalog } from './syncRegionsFromCatalog';

describe('syncRegionsFromCatalog', () => {
  const store = { replaceSnapshot: jest.fn() };
  const logger = mockServices.logger.mock();
  const sync = (catalog: ReturnType<typeof catalogServiceMock>) =>
    syncRegionsFromCatalog({
      catalog,
      auth: mockServices.auth(),
      store: store as unknown as DatabaseRegionsStore,
      rules: builtInConflictRules,
      logger,
    });

  beforeEach(() => jest.clearAllMocks());

  it('leaves out invalid regions with a warning that gives the reason', async () => {
    await sync(
      catalogServiceMock({
        entities: [
          region('studio-sul', { network: { cidr: '10.16.0.0/16' } }),
          region('studio-ne', { network: { cidr: '10.17.1.0/16' } }),
        ],
      }),
    );

    expect(logger.warn).toHaveBeenCalledWith(
      'Skipped region:default/studio-ne: spec.network.cidr "10.17.1.0/16" is not canonical: host bits are set below /16; did you mean 10.17.0.0/16?',
    );
    expect(store.replaceSnapshot).toHaveBeenCalledWith({
      regions: [region('studio-sul', { network: { cidr: '10.16.0.0/16' } })],
      conflicts: [],
      syncedAt: expect.any(Date),
    });
  });

  it('adds the residency conflicts of what is deployed in the regions', async () => {
    const saEast = region('sa-east', { residency: ['LGPD'] });
    const usEast = region('us-east');
    await sync(
      catalogServiceMock({
        entities: [
          saEast,
          usEast,
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Resource',
            metadata: {
              name: 'customers-db',
              namespace: 'default',
              annotations: {
                'meridian.dev/residency': 'LGPD',
                'meridian.dev/regions': 'sa-east, us-east',
              },
            },
            spec: {},
          },
        ],
      }),
    );
    expect(store.replaceSnapshot).toHaveBeenCalledWith({
      regions: [saEast, usEast],
      conflicts: [
        expect.objectContaining({
          type: 'residency',
          regions: ['region:default/us-east'],
          entities: ['resource:default/customers-db'],
        }),
      ],
      syncedAt: expect.any(Date),
    });
  });

  it('logs a failed catalog read and leaves the stored snapshot alone', async () => {
    const catalog = catalogServiceMock.mock({
      getEntities: async () => {
        throw new Error('connect ECONNREFUSED');
      },
    });

    await sync(catalog);

    expect(logger.error).toHaveBeenCalledWith(
      'Could not read regions from the catalog, keeping the previous snapshot: connect ECONNREFUSED',
    );
    expect(store.replaceSnapshot).not.toHaveBeenCalled();
  });
});
