import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import yaml from 'yaml';
import { createRegionCreateAction } from './regionCreate';
import { examples } from './regionCreate.examples';

describe('meridian:region:create', () => {
  const workspace = createMockDirectory();
  const action = createRegionCreateAction();

  beforeEach(() => workspace.clear());

  const run = (input: Record<string, unknown>) => {
    const ctx = createMockActionContext({
      input: input as any,
      workspacePath: workspace.path,
    });
    return { ctx, done: action.handler(ctx) };
  };

  it('writes a valid Region entity with lifecycle provisioning', async () => {
    const { ctx, done } = run({
      name: 'studio-s2',
      title: 'Studio-S2',
      type: 'edge',
      owner: 'group:default/sre',
      hub: 'studio-sul',
      network: { cidr: '10.20.0.0/16', pool: 'brazil' },
      residency: ['LGPD'],
    });
    await done;
    const written = yaml.parse(
      workspace.content()!['catalog-info.yaml'] as string,
    );
    expect(written).toEqual({
      apiVersion: 'meridian.dev/v1alpha1',
      kind: 'Region',
      metadata: { name: 'studio-s2', title: 'Studio-S2' },
      spec: {
        lifecycle: 'provisioning',
        type: 'edge',
        owner: 'group:default/sre',
        hub: 'studio-sul',
        network: { cidr: '10.20.0.0/16', pool: 'brazil' },
        residency: ['LGPD'],
      },
    });
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'region:default/studio-s2',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'catalogInfoPath',
      'catalog-info.yaml',
    );
  });

  it.each([
    [
      { network: { cidr: '10.20.1.0/16' } },
      'spec.network.cidr "10.20.1.0/16" is not canonical',
    ],
    [
      { hub: 'component:default/web' },
      'spec.hub "component:default/web" must refer to a Region',
    ],
    [
      { replication: { role: 'warm-standby' } },
      'spec.replication.source is required',
    ],
    [{ userLatencyTargetMs: -3 }, 'spec.userLatencyTargetMs -3 must be ≥ 0'],
  ])('refuses %j and writes nothing', async (extra, message) => {
    const { done } = run({ name: 'bad', type: 'edge', owner: 'sre', ...extra });
    await expect(done).rejects.toThrow(message);
    expect(workspace.content()).toEqual({});
  });

  it('refuses a target path outside the workspace', async () => {
    const { done } = run({
      name: 'x',
      type: 'edge',
      owner: 'sre',
      targetPath: '../escape',
    });
    await expect(done).rejects.toThrow(/outside/i);
    expect(workspace.content()).toEqual({});
  });

  it.each(examples.map(e => [e.description, e.example]))(
    'runs the documented example: %s',
    async (_description, example) => {
      const { input } = yaml.parse(example).steps[0];
      const { done } = run(input);
      await done;
      const file = input.targetPath
        ? `${input.targetPath}/catalog-info.yaml`
        : 'catalog-info.yaml';
      const entity = yaml.parse(
        fs.readFileSync(workspace.resolve(file), 'utf8'),
      );
      expect(entity.metadata.name).toBe(input.name);
    },
  );
});
