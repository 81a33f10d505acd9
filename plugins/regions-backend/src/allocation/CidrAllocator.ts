import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  CidrAllocationResponse,
  CidrPoolSummary,
  normalizeRegionRef,
  ParsedCidr,
  parseCidr,
  RegionEntity,
} from '@meridian/plugin-regions-common';
import { AllocationStore } from '../database/AllocationStore';
import { CidrPool, nextFreeBlock, poolCapacity, usedBlocks } from './pools';

const validator = makeValidator();

// Each lost race means another run committed a block; this bounds the retries
// far above any realistic number of simultaneous runs.
const MAX_ATTEMPTS = 100;

/**
 * Allocates network blocks from the CIDR pools: the lowest free block of the
 * pool's prefix length that no Region entity and no earlier allocation holds.
 */
export class CidrAllocator {
  constructor(
    private readonly options: {
      pools: CidrPool[];
      store: AllocationStore;
      /** The Region entities the catalog (and local landings) hold now. */
      regions: () => Promise<RegionEntity[]>;
    },
  ) {}

  /** Each pool with its capacity, use and next free block. */
  async listPools(): Promise<CidrPoolSummary[]> {
    const taken = await this.takenBlocks();
    return this.options.pools.map(pool => ({
      name: pool.name,
      cidr: pool.block.canonical,
      prefixLength: pool.prefixLength,
      capacity: poolCapacity(pool),
      used: usedBlocks(
        pool,
        taken.map(t => t.block),
      ),
      nextFree:
        nextFreeBlock(
          pool,
          taken.map(t => t.block),
        ) ?? null,
    }));
  }

  /**
   * The region's block from the pool: the one it already holds, or the next
   * free one. Safe under concurrent calls: a lost race on a block retries with
   * the winner's block taken.
   */
  async allocate(request: {
    pool: unknown;
    region: unknown;
  }): Promise<CidrAllocationResponse> {
    const pool = this.findPool(request.pool);
    const region = readRegionRef(request.region);

    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const held = await this.options.store.getAllocation(region);
      if (held) {
        if (held.pool !== pool.name) {
          throw new ConflictError(
            `${region} already holds ${held.cidr} from pool "${held.pool}", not from pool "${pool.name}"`,
          );
        }
        return { ...held, created: false };
      }
      const taken = (await this.takenBlocks())
        .filter(t => t.holder !== region)
        .map(t => t.block);
      const cidr = nextFreeBlock(pool, taken);
      if (!cidr) {
        throw new ConflictError(
          `pool "${pool.name}" (${
            pool.block.canonical
          }) is exhausted: all ${poolCapacity(pool)} blocks of /${
            pool.prefixLength
          } are held by regions or allocations`,
        );
      }
      const allocation = {
        region,
        pool: pool.name,
        cidr,
        allocatedAt: new Date().toISOString(),
      };
      if (await this.options.store.insertAllocation(allocation)) {
        return { ...allocation, created: true };
      }
    }
    throw new ConflictError(
      `could not allocate from pool "${pool.name}" for ${region}: ${MAX_ATTEMPTS} concurrent allocations won the race; try again`,
    );
  }

  private findPool(name: unknown): CidrPool {
    if (typeof name !== 'string' || name === '') {
      throw new InputError(`pool ${JSON.stringify(name)} must be a pool name`);
    }
    const pool = this.options.pools.find(p => p.name === name);
    if (!pool) {
      const known = this.options.pools.map(p => p.name);
      throw new NotFoundError(
        `pool "${name}" is not configured under regions.pools${
          known.length ? ` (known: ${known.join(', ')})` : ' (none are)'
        }`,
      );
    }
    return pool;
  }

  /** Blocks held by Region entities and by allocations, with their holders. */
  private async takenBlocks(): Promise<
    { holder: string; block: ParsedCidr }[]
  > {
    const taken: { holder: string; block: ParsedCidr }[] = [];
    for (const entity of await this.options.regions()) {
      const cidr = entity.spec.network?.cidr;
      if (cidr) {
        try {
          taken.push({
            holder: stringifyEntityRef(entity),
            block: parseCidr(cidr),
          });
        } catch {
          // the catalog rejects malformed blocks; a stale one holds nothing
        }
      }
    }
    for (const allocation of await this.options.store.listAllocations()) {
      taken.push({
        holder: allocation.region,
        block: parseCidr(allocation.cidr),
      });
    }
    return taken;
  }
}

function readRegionRef(value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new InputError(
      `region ${JSON.stringify(
        value,
      )} must be a region entity ref like region:default/studio-s2`,
    );
  }
  let ref: string;
  try {
    ref = normalizeRegionRef(value);
  } catch (error) {
    throw new InputError(`region "${value}": ${(error as Error).message}`);
  }
  if (!ref.startsWith('region:')) {
    throw new InputError(`region "${value}" must refer to a Region`);
  }
  const { namespace, name } = parseEntityRef(ref);
  if (
    !validator.isValidNamespace(namespace) ||
    !validator.isValidEntityName(name)
  ) {
    throw new InputError(`region "${value}" is not a valid entity ref`);
  }
  return ref;
}
