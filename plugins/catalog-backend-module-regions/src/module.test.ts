import { startTestBackend } from '@backstage/backend-test-utils';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { catalogModuleRegions } from './module';
import { RegionEntitiesProcessor } from './processor/RegionEntitiesProcessor';

describe('catalogModuleRegions', () => {
  it('registers the Region processor with the catalog', async () => {
    const addProcessor = jest.fn();

    await startTestBackend({
      extensionPoints: [[catalogProcessingExtensionPoint, { addProcessor }]],
      features: [catalogModuleRegions],
    });

    expect(addProcessor).toHaveBeenCalledTimes(1);
    expect(addProcessor).toHaveBeenCalledWith(
      expect.any(RegionEntitiesProcessor),
    );
  });
});
