import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  CidrAllocation,
  parseCidr,
  RegionEntity,
} from '@meridian/plugin-regions-common';
import { Knex } from 'knex';
import { toDate } from './rows';

const migrationsDir = resolvePackagePath(
  '@meridian/plugin-regions-backend',
  'migrations',
);

const ALLOCATIONS = 'region_allocations';
const LANDINGS = 'region_landings';

type AllocationRow = {
  region_ref: string;
  pool: string;
  cidr: string;
  allocated_at: Date | string | number;
};

type LandingRow = {
  ref: string;
  entity: string;
  landed_at: Date | string | number;
};

/** A Region entity landed by a template without a git host. */
export interface RegionLanding {
  entity: RegionEntity;
  landedAt: Date;
}

/**
 * Stores the network blocks allocated to regions, and the Region entities
 * that templates landed locally, through knex.
 */
export class AllocationStore {
  /** Connects to the plugin's database and brings its schema up to date. */
  static async create(options: {
    database: DatabaseService;
  }): Promise<AllocationStore> {
    const { database } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new AllocationStore(client);
  }

  private constructor(private readonly db: Knex) {}

  /** Every allocation, ordered by pool and block. */
  async listAllocations(): Promise<CidrAllocation[]> {
    const rows = await this.db<AllocationRow>(ALLOCATIONS);
    return rows.map(toAllocation).sort(
      (a, b) =>
        a.pool.localeCompare(b.pool) ||
        // numeric order of the blocks, not text order
        compareCidrs(a.cidr, b.cidr),
    );
  }

  /** The block a region holds; undefined when it holds none. */
  async getAllocation(regionRef: string): Promise<CidrAllocation | undefined> {
    const row = await this.db<AllocationRow>(ALLOCATIONS)
      .where({ region_ref: regionRef })
      .first();
    return row ? toAllocation(row) : undefined;
  }

  /**
   * Records an allocation. Answers false, writing nothing, when the region or
   * the block is already taken (the table's uniqueness decides, so two
   * concurrent runs can never both get one block).
   */
  async insertAllocation(allocation: CidrAllocation): Promise<boolean> {
    try {
      await this.db(ALLOCATIONS).insert({
        region_ref: allocation.region,
        pool: allocation.pool,
        cidr: allocation.cidr,
        allocated_at: new Date(allocation.allocatedAt),
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) {
        return false;
      }
      throw error;
    }
  }

  /** Stores (or replaces) a landed Region entity. */
  async land(entity: RegionEntity, landedAt = new Date()): Promise<void> {
    await this.db(LANDINGS)
      .insert({
        ref: stringifyEntityRef(entity),
        entity: JSON.stringify(entity),
        landed_at: landedAt,
      })
      .onConflict('ref')
      .merge();
  }

  /** Every landed Region entity, ordered by ref. */
  async listLandings(): Promise<RegionLanding[]> {
    const rows = await this.db<LandingRow>(LANDINGS).orderBy('ref');
    return rows.map(row => ({
      entity: JSON.parse(row.entity),
      landedAt: toDate(row.landed_at),
    }));
  }
}

function toAllocation(row: AllocationRow): CidrAllocation {
  return {
    region: row.region_ref,
    pool: row.pool,
    cidr: row.cidr,
    allocatedAt: toDate(row.allocated_at).toISOString(),
  };
}

function compareCidrs(a: string, b: string): number {
  const difference = parseCidr(a).first - parseCidr(b).first;
  return Number(difference > 0n) - Number(difference < 0n);
}

// Matched on code and message: better-sqlite3's errors fail instanceof checks
// when a second copy of the native module is loaded.
function isUniqueViolation(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed/.test(message ?? '')
  );
}
