import { startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleRegions } from './module';

describe('scaffolderModuleRegions', () => {
  it('registers the meridian actions with the scaffolder', async () => {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [scaffolderModuleRegions],
    });
    const ids = addActions.mock.calls.flat().map((a: { id: string }) => a.id);
    expect(ids).toEqual([
      'meridian:cidr:allocate',
      'meridian:region:create',
      'meridian:region:register',
      'meridian:failover:run',
    ]);
  });
});
