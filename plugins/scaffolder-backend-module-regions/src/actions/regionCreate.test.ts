import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import yaml from 'yaml';
import {
  HUB_NOT_READY,
  HUB_READY_CONFIG,
  hubEntities,
} from '../__testUtils__/hubs';
import { startRegionsBackend } from '../__testUtils__/regionsBackend';
import { createRegionCreateAction } from './regionCreate';
import { examples } from './regionCreate.examples';

jest.setTimeout(60_000);

describe('meridian:region:create', () => {
  const workspace = createMockDirectory();
  let backend: Awaited<ReturnType<typeof startRegionsBackend>>;

  // the real regions backend, where the hub studio-sul counts as ready
  beforeEach(async () => {
    workspace.clear();
    backend = await startRegionsBackend({
      entities: hubEntities('studio-sul'),
      config: HUB_READY_CONFIG,
    });
  });
  afterEach(() => backend.stop());

  const run = (input: Record<string, unknown>) => {
    const ctx = createMockActionContext({
      input: input as any,
      workspacePath: workspace.path,
    });
    return {
      ctx,
      done: createRegionCreateAction({
        ...backend.options,
        catalog: catalogServiceMock(),
      }).handler(ctx),
    };
  };

  it('writes a valid Region entity with lifecycle provisioning', async () => {
    const { ctx, done } = run({
      name: 'studio-s2',
      title: 'Studio-S2',
      type: 'edge',
      owner: 'group:default/sre',
      provider: 'colo',
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
        provider: 'colo',
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

  it('writes the Crossplane claim of the block with the hub link', async () => {
    const { ctx, done } = run({
      name: 'studio-s2',
      type: 'edge',
      owner: 'sre',
      provider: 'colo',
      location: { city: 'Florianópolis', country: 'BR' },
      hub: 'region:default/studio-sul',
      links: [
        { to: 'studio-sul', latencyTargetMs: 15, transport: 'wireguard' },
      ],
      network: { cidr: '10.20.0.0/16', pool: 'brazil' },
      targetPath: 'regions/studio-s2',
    });
    await done;
    expect(
      yaml.parse(
        fs.readFileSync(
          workspace.resolve('regions/studio-s2/infrastructure/network.yaml'),
          'utf8',
        ),
      ),
    ).toEqual({
      apiVersion: 'network.meridian.dev/v1alpha1',
      kind: 'RegionNetwork',
      metadata: {
        name: 'studio-s2',
        labels: { 'meridian.dev/region': 'studio-s2' },
      },
      spec: {
        region: 'studio-s2',
        cidr: '10.20.0.0/16',
        pool: 'brazil',
        provider: 'colo',
        location: { city: 'Florianópolis', country: 'BR' },
        hubLink: {
          hub: 'studio-sul',
          transport: 'wireguard',
          latencyTargetMs: 15,
        },
      },
    });
    expect(ctx.output).toHaveBeenCalledWith(
      'networkClaimPath',
      'regions/studio-s2/infrastructure/network.yaml',
    );
  });

  it('refuses a block whose claim Crossplane would refuse, and writes nothing', async () => {
    const { done } = run({
      name: 'Studio_S2',
      type: 'edge',
      owner: 'sre',
      network: { cidr: '10.20.0.0/16' },
    });
    await expect(done).rejects.toThrow(
      'The RegionNetwork claim would not be accepted by Crossplane: spec.region "Studio_S2" must match pattern "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"; spec.provider "" must NOT have fewer than 1 characters',
    );
    expect(workspace.content()).toEqual({});
  });

  it('refuses while the hub has no readiness score, and writes nothing', async () => {
    const { done } = run({
      name: 'studio-s2',
      type: 'edge',
      owner: 'sre',
      hub: 'studio-n',
    });
    await expect(done).rejects.toThrow(
      'readiness of region:default/studio-n has not been evaluated',
    );
    expect(workspace.content()).toEqual({});
  });

  it('refuses while the hub is below the threshold, naming its score and failing checks', async () => {
    await backend.stop();
    backend = await startRegionsBackend({
      entities: hubEntities('studio-sul'),
    });
    const { done } = run({
      name: 'studio-s2',
      type: 'edge',
      owner: 'sre',
      hub: 'studio-sul',
    });
    await expect(done).rejects.toThrow(HUB_NOT_READY('studio-sul'));
    expect(workspace.content()).toEqual({});
  });

  it('writes despite an unready hub with force', async () => {
    const { done } = run({
      name: 'studio-s2',
      type: 'edge',
      owner: 'sre',
      hub: 'studio-n',
      force: true,
    });
    await done;
    expect(Object.keys(workspace.content()!)).toEqual(['catalog-info.yaml']);
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
