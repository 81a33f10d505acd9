import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { startRegionsBackendStandIn } from '../__testUtils__/regionsBackendStandIn';
import { createCidrAllocateAction } from './cidrAllocate';

describe('meridian:cidr:allocate', () => {
  let backend: Awaited<ReturnType<typeof startRegionsBackendStandIn>>;
  beforeEach(async () => {
    backend = await startRegionsBackendStandIn();
  });
  afterEach(() => backend.close());

  function run(input: Record<string, unknown>, isDryRun = false) {
    const action = createCidrAllocateAction(backend.options);
    const ctx = {
      ...createMockActionContext({ input: input as any }),
      isDryRun,
    };
    return { ctx, done: action.handler(ctx) };
  }

  const allocations = () =>
    backend.received.filter(r => r.path === '/api/regions/allocations');

  it('asks the regions backend for the block, with a token for it, and outputs it', async () => {
    backend.setAllocation({
      region: 'region:default/studio-s2',
      pool: 'brazil',
      cidr: '10.17.0.0/16',
      allocatedAt: '2026-12-01T12:00:00.000Z',
      created: true,
    });
    const { ctx, done } = run({ pool: 'brazil', region: 'studio-s2' });
    await done;
    expect(ctx.output).toHaveBeenCalledWith('cidr', '10.17.0.0/16');
    expect(allocations()).toEqual([
      {
        method: 'POST',
        path: '/api/regions/allocations',
        authorization: expect.stringMatching(/^Bearer .+/),
        body: { pool: 'brazil', region: 'region:default/studio-s2' },
      },
    ]);
  });

  it("passes on the backend's reason when the pool is exhausted", async () => {
    backend.setAllocation({
      status: 409,
      message:
        'pool "tiny" (192.168.0.0/23) is exhausted: all 2 blocks of /24 are held by regions or allocations',
    });
    const { done } = run({ pool: 'tiny', region: 'studio-s2' });
    await expect(done).rejects.toThrow(
      'regions backend: pool "tiny" (192.168.0.0/23) is exhausted',
    );
  });

  it('allocates nothing while the hub is below the threshold', async () => {
    backend.setReadiness('region:default/studio-sul', 81.5, [
      'DR drill in the last 7 days',
    ]);
    const { done } = run({
      pool: 'brazil',
      region: 'studio-s2',
      hub: 'studio-sul',
    });
    await expect(done).rejects.toThrow(
      'hub region:default/studio-sul is not ready: readiness 81.5 % is below the threshold of 94 %; failing checks: DR drill in the last 7 days (failed: no evidence in the last 7 days)',
    );
    expect(allocations()).toEqual([]);
  });

  it('allocates for a ready hub, and with force for any hub', async () => {
    backend.setAllocation({
      region: 'region:default/studio-s2',
      pool: 'brazil',
      cidr: '10.17.0.0/16',
      allocatedAt: '2026-12-01T12:00:00.000Z',
      created: false,
    });
    backend.setReadiness('region:default/studio-sul', 96);
    await run({ pool: 'brazil', region: 'studio-s2', hub: 'studio-sul' }).done;
    await run({
      pool: 'brazil',
      region: 'studio-s2',
      hub: 'unknown',
      force: true,
    }).done;
    expect(allocations()).toHaveLength(2);
  });

  it('previews the next free block in a dry run and allocates nothing', async () => {
    backend.setPools({
      pools: [
        {
          name: 'brazil',
          cidr: '10.16.0.0/12',
          prefixLength: 16,
          capacity: 16,
          used: 3,
          nextFree: '10.19.0.0/16',
        },
      ],
    });
    const { ctx, done } = run({ pool: 'brazil', region: 'studio-s2' }, true);
    await done;
    expect(ctx.output).toHaveBeenCalledWith('cidr', '10.19.0.0/16');
    expect(allocations()).toEqual([]);
  });
});
