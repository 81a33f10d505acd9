import { startTestBackend } from '@backstage/backend-test-utils';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { catalogModuleRegions } from './module';
import { RegionEntitiesProcessor } from './processor/RegionEntitiesProcessor';
import { LandedRegionsEntityProvider } from './provider/LandedRegionsEntityProvider';

describe('catalogModuleRegions', () => {
  it('registers the Region processor and the landed regions provider with the catalog', async () => {
    const addProcessor = jest.fn();
    const addEntityProvider = jest.fn();

    await startTestBackend({
      extensionPoints: [
        [catalogProcessingExtensionPoint, { addProcessor, addEntityProvider }],
      ],
      features: [catalogModuleRegions],
    });

    expect(addProcessor).toHaveBeenCalledTimes(1);
    expect(addProcessor).toHaveBeenCalledWith(
      expect.any(RegionEntitiesProcessor),
    );
    expect(addEntityProvider).toHaveBeenCalledWith(
      expect.any(LandedRegionsEntityProvider),
    );
  });
});
