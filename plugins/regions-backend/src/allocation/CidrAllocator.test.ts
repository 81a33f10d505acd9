import { ConfigReader } from '@backstage/config';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { RegionEntity } from '@meridian/plugin-regions-common';
import { region } from '../__testUtils__/region';
import { AllocationStore } from '../database/AllocationStore';
import { CidrAllocator } from './CidrAllocator';
import { readCidrPools } from './pools';

jest.setTimeout(60_000);

const pools = readCidrPools(
  new ConfigReader({
    regions: {
      pools: [
        { name: 'brazil', cidr: '10.16.0.0/12', prefixLength: 16 },
        { name: 'tiny', cidr: '192.168.0.0/23', prefixLength: 24 },
        { name: 'lab', cidr: '172.16.0.0/16', prefixLength: 24 },
      ],
    },
  }),
);

describe('CidrAllocator', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function createAllocator(regions: RegionEntity[] = []) {
      const knex = await databases.init(databaseId);
      const store = await AllocationStore.create({
        database: mockServices.database({ knex }),
      });
      return new CidrAllocator({ pools, store, regions: async () => regions });
    }

    it('hands out the pool blocks in sequence', async () => {
      const allocator = await createAllocator();
      const blocks = [];
      for (const name of ['a', 'b', 'c']) {
        blocks.push(
          (await allocator.allocate({ pool: 'brazil', region: name })).cidr,
        );
      }
      expect(blocks).toEqual(['10.16.0.0/16', '10.17.0.0/16', '10.18.0.0/16']);
    });

    it('answers the same block to the same region, once created', async () => {
      const allocator = await createAllocator();
      const first = await allocator.allocate({
        pool: 'brazil',
        region: 'region:default/studio-s2',
      });
      // the short form names the same region
      const again = await allocator.allocate({
        pool: 'brazil',
        region: 'studio-s2',
      });
      expect(first).toMatchObject({ cidr: '10.16.0.0/16', created: true });
      expect(again).toEqual({ ...first, created: false });
      await expect(
        allocator.allocate({ pool: 'lab', region: 'studio-s2' }),
      ).rejects.toThrow(
        'region:default/studio-s2 already holds 10.16.0.0/16 from pool "brazil", not from pool "lab"',
      );
    });

    it('says the pool is exhausted once every block is held', async () => {
      const allocator = await createAllocator();
      await allocator.allocate({ pool: 'tiny', region: 'a' });
      await allocator.allocate({ pool: 'tiny', region: 'b' });
      await expect(
        allocator.allocate({ pool: 'tiny', region: 'c' }),
      ).rejects.toThrow(
        'pool "tiny" (192.168.0.0/23) is exhausted: all 2 blocks of /24 are held by regions or allocations',
      );
      const tiny = (await allocator.listPools()).find(p => p.name === 'tiny');
      expect(tiny).toMatchObject({ capacity: 2, used: 2, nextFree: null });
    });

    it('skips blocks that Region entities hold, whatever their size', async () => {
      const allocator = await createAllocator([
        region('studio-primary', { network: { cidr: '10.16.0.0/16' } }),
        // a wider block covers two of the pool's blocks
        region('studio-sul', { network: { cidr: '10.18.0.0/15' } }),
        // a narrower one still spoils its whole /16
        region('studio-n', { network: { cidr: '10.17.4.0/24' } }),
      ]);
      expect(
        (await allocator.allocate({ pool: 'brazil', region: 'new' })).cidr,
      ).toBe('10.20.0.0/16');
      expect((await allocator.listPools())[0]).toMatchObject({
        name: 'brazil',
        capacity: 16,
        used: 5,
        nextFree: '10.21.0.0/16',
      });
    });

    it('names the field and value of bad requests', async () => {
      const allocator = await createAllocator();
      await expect(
        allocator.allocate({ pool: 'mars', region: 'a' }),
      ).rejects.toThrow(
        'pool "mars" is not configured under regions.pools (known: brazil, tiny, lab)',
      );
      await expect(
        allocator.allocate({ pool: 'brazil', region: 'component:default/web' }),
      ).rejects.toThrow(
        'region "component:default/web" must refer to a Region',
      );
      await expect(
        allocator.allocate({ pool: 'brazil', region: 'Bad Name!' }),
      ).rejects.toThrow('region "Bad Name!" is not a valid entity ref');
    });
  });

  it('gives 20 concurrent runs on PostgreSQL 20 distinct blocks', async () => {
    if (!databases.eachSupportedId().some(([id]) => id === 'POSTGRES_15')) {
      throw new Error('PostgreSQL 15 is needed for this test');
    }
    const knex = await databases.init('POSTGRES_15');
    const database = mockServices.database({ knex });
    // two stores over one database, as two backend instances would be
    const allocators: CidrAllocator[] = [];
    for (let i = 0; i < 2; i++) {
      allocators.push(
        new CidrAllocator({
          pools,
          store: await AllocationStore.create({ database }),
          regions: async () => [],
        }),
      );
    }
    const names = Array.from({ length: 20 }, (_, i) => `concurrent-${i}`);
    const results = await Promise.all(
      names.map((name, i) =>
        allocators[i % 2].allocate({ pool: 'lab', region: name }),
      ),
    );
    const blocks = new Set(results.map(r => r.cidr));
    expect(blocks.size).toBe(20);
    expect(results.every(r => r.created)).toBe(true);
    // together they fill the bottom of the pool without gaps
    expect([...blocks].sort()).toEqual(
      names.map((_, i) => `172.16.${i}.0/24`).sort(),
    );
  });
});
