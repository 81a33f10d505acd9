import { Config } from '@backstage/config';
import {
  cidrsOverlap,
  ParsedCidr,
  parseCidr,
} from '@meridian/plugin-regions-common';
import ipaddr from 'ipaddr.js';

/** A pool of `regions.pools`, parsed. */
export interface CidrPool {
  name: string;
  block: ParsedCidr;
  /** Prefix length of every block allocated from the pool. */
  prefixLength: number;
}

/**
 * Reads and checks `regions.pools`. Throws naming the key and value of any
 * malformed pool, and of pools that overlap each other (a block must belong
 * to one pool for allocations to be unique).
 */
export function readCidrPools(config: Config): CidrPool[] {
  const pools: CidrPool[] = [];
  const entries = config.getOptionalConfigArray('regions.pools') ?? [];
  entries.forEach((entry, index) => {
    const key = `regions.pools[${index}]`;
    const name = entry.getString('name');
    const cidr = entry.getString('cidr');
    const prefixLength = entry.getNumber('prefixLength');
    let block: ParsedCidr;
    try {
      block = parseCidr(cidr);
    } catch (error) {
      throw new Error(`${key}.cidr: ${(error as Error).message}`);
    }
    const bits = block.family === 'ipv4' ? 32 : 128;
    if (
      !Number.isInteger(prefixLength) ||
      prefixLength < block.prefixLength ||
      prefixLength > bits
    ) {
      throw new Error(
        `${key}.prefixLength ${prefixLength} must be a whole number from ${block.prefixLength} (the pool's own prefix) to ${bits}`,
      );
    }
    if (pools.some(pool => pool.name === name)) {
      throw new Error(`${key}.name "${name}" is used by an earlier pool`);
    }
    const overlapping = pools.find(pool => cidrsOverlap(pool.block, block));
    if (overlapping) {
      throw new Error(
        `${key}.cidr ${block.canonical} overlaps pool "${overlapping.name}" (${overlapping.block.canonical})`,
      );
    }
    pools.push({ name, block, prefixLength });
  });
  return pools;
}

function blockSize(pool: CidrPool): bigint {
  const bits = pool.block.family === 'ipv4' ? 32 : 128;
  return 1n << BigInt(bits - pool.prefixLength);
}

/** How many blocks the pool holds. */
export function poolCapacity(pool: CidrPool): number {
  return Number((pool.block.last - pool.block.first + 1n) / blockSize(pool));
}

/** The blocks among `taken` that lie (at least partly) inside the pool. */
export function takenInPool(pool: CidrPool, taken: ParsedCidr[]): ParsedCidr[] {
  return taken.filter(block => cidrsOverlap(block, pool.block));
}

/**
 * How many of the pool's blocks `taken` touches; a taken block larger than
 * the pool's prefix counts for every block it covers.
 */
export function usedBlocks(pool: CidrPool, taken: ParsedCidr[]): number {
  const size = blockSize(pool);
  const used = new Set<bigint>();
  for (const block of takenInPool(pool, taken)) {
    const from =
      block.first > pool.block.first ? block.first : pool.block.first;
    const to = block.last < pool.block.last ? block.last : pool.block.last;
    for (
      let index = (from - pool.block.first) / size;
      index <= (to - pool.block.first) / size;
      index++
    ) {
      used.add(index);
    }
  }
  return used.size;
}

/**
 * The lowest block of the pool's prefix length that overlaps none of
 * `taken`; undefined when the pool is exhausted.
 */
export function nextFreeBlock(
  pool: CidrPool,
  taken: ParsedCidr[],
): string | undefined {
  const size = blockSize(pool);
  const sorted = takenInPool(pool, taken).sort(
    (a, b) => Number(a.first - b.first > 0n) - Number(a.first - b.first < 0n),
  );
  let candidate = pool.block.first;
  for (const block of sorted) {
    if (candidate > pool.block.last) {
      break;
    }
    if (block.first <= candidate + size - 1n && candidate <= block.last) {
      // jump to the first aligned block past the taken one
      const offset = block.last + 1n - pool.block.first;
      candidate = pool.block.first + ((offset + size - 1n) / size) * size;
    }
  }
  if (candidate + size - 1n > pool.block.last) {
    return undefined;
  }
  return `${toAddress(candidate, pool.block.family)}/${pool.prefixLength}`;
}

function toAddress(value: bigint, family: 'ipv4' | 'ipv6'): string {
  const length = family === 'ipv4' ? 4 : 16;
  const bytes: number[] = [];
  for (let i = length - 1; i >= 0; i--) {
    bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  }
  return ipaddr.fromByteArray(bytes).toString();
}
