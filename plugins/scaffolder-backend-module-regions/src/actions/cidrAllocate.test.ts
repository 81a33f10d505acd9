import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  HUB_NOT_READY,
  HUB_READY_CONFIG,
  hubEntities,
} from '../__testUtils__/hubs';
import { startRegionsBackend } from '../__testUtils__/regionsBackend';
import { createCidrAllocateAction } from './cidrAllocate';

jest.setTimeout(60_000);

const pools = [
  { name: 'brazil', cidr: '10.16.0.0/12', prefixLength: 16 },
  { name: 'tiny', cidr: '192.168.0.0/23', prefixLength: 24 },
];

describe('meridian:cidr:allocate against the real regions backend', () => {
  let backend: Awaited<ReturnType<typeof startRegionsBackend>>;
  afterEach(() => backend?.stop());

  async function start(
    options: Parameters<typeof startRegionsBackend>[0] = {},
  ) {
    backend = await startRegionsBackend({
      entities: hubEntities('studio-sul'),
      ...options,
      config: {
        ...options.config,
        regions: { pools, ...(options.config?.regions as object) },
      },
    });
  }

  function run(input: Record<string, unknown>, isDryRun = false) {
    const action = createCidrAllocateAction(backend.options);
    const ctx = {
      ...createMockActionContext({ input: input as any }),
      isDryRun,
    };
    return { ctx, done: action.handler(ctx) };
  }

  it('allocates the first free block of the pool, outputs it, and gives the same block again', async () => {
    await start();
    const first = run({ pool: 'brazil', region: 'studio-s2' });
    await first.done;
    expect(first.ctx.output).toHaveBeenCalledWith('cidr', '10.16.0.0/16');
    const again = run({ pool: 'brazil', region: 'studio-s2' });
    await again.done;
    expect(again.ctx.output).toHaveBeenCalledWith('cidr', '10.16.0.0/16');
    expect(await backend.allocations()).toMatchObject([
      {
        region: 'region:default/studio-s2',
        pool: 'brazil',
        cidr: '10.16.0.0/16',
      },
    ]);
  });

  it("passes on the backend's reason when the pool is exhausted", async () => {
    await start();
    await run({ pool: 'tiny', region: 'studio-a' }).done;
    await run({ pool: 'tiny', region: 'studio-b' }).done;
    await expect(
      run({ pool: 'tiny', region: 'studio-c' }).done,
    ).rejects.toThrow(
      /^regions backend: pool "tiny" \(192\.168\.0\.0\/23\) is exhausted.*\(HTTP 409\)$/,
    );
    expect((await backend.allocations()).map(a => a.region)).toEqual([
      'region:default/studio-a',
      'region:default/studio-b',
    ]);
  });

  it("passes on the backend's refusal when the initiator may not create regions", async () => {
    await start({ permission: AuthorizeResult.DENY });
    await expect(
      run({ pool: 'brazil', region: 'studio-s2' }).done,
    ).rejects.toThrow(
      'creating regions needs the permission regions.region.create',
    );
    expect(await backend.allocations()).toEqual([]);
  });

  it('allocates nothing while the hub is below the threshold, naming its score and failing check', async () => {
    await start();
    const { done } = run({
      pool: 'brazil',
      region: 'studio-s2',
      hub: 'studio-sul',
    });
    await expect(done).rejects.toThrow(HUB_NOT_READY('studio-sul'));
    expect(await backend.allocations()).toEqual([]);
  });

  it('allocates for a ready hub, and with force for a hub the catalog does not know', async () => {
    await start({ config: HUB_READY_CONFIG });
    await run({ pool: 'brazil', region: 'studio-s2', hub: 'studio-sul' }).done;
    await run({
      pool: 'brazil',
      region: 'studio-s3',
      hub: 'unknown',
      force: true,
    }).done;
    expect((await backend.allocations()).map(a => a.cidr)).toEqual([
      '10.16.0.0/16',
      '10.17.0.0/16',
    ]);
  });

  it('previews the next free block in a dry run and allocates nothing', async () => {
    await start();
    await run({ pool: 'brazil', region: 'studio-s2' }).done;
    const { ctx, done } = run({ pool: 'brazil', region: 'studio-s3' }, true);
    await done;
    expect(ctx.output).toHaveBeenCalledWith('cidr', '10.17.0.0/16');
    expect((await backend.allocations()).map(a => a.region)).toEqual([
      'region:default/studio-s2',
    ]);
  });
});
