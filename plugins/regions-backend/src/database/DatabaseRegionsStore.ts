import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  RegionConflict,
  RegionConflictSeverity,
  RegionEntity,
} from '@meridian/plugin-regions-common';
import { Knex } from 'knex';
import { toDate } from './rows';

const migrationsDir = resolvePackagePath(
  '@meridian/plugin-regions-backend',
  'migrations',
);

/** The collector id of the catalog sync in `region_sync_state`. */
const CATALOG_COLLECTOR = 'catalog';

// Keeps inserts under SQLite's limit on bound variables per statement.
const INSERT_CHUNK_SIZE = 100;

type RegionRow = {
  ref: string;
  namespace: string;
  name: string;
  entity: string;
  synced_at: Date | string | number;
};

type ConflictRow = {
  id: number;
  type: string;
  field: string;
  message: string;
  region_refs: string;
  /** Only in `region_conflicts`: JSON of the other entities involved. */
  entity_refs?: string | null;
};

type ObservedConflictRow = ConflictRow & {
  severity: RegionConflictSeverity;
  observed_at: Date | string | number;
};

const OBSERVED_CONFLICTS = 'region_observed_conflicts';

/** What the last catalog sync stored. */
export interface RegionsSnapshot {
  /** Every region, ordered by ref. */
  regions: RegionEntity[];
  /** Every conflict, in the order the rules reported them. */
  conflicts: RegionConflict[];
  /** When the catalog was read; null before the first sync. */
  syncedAt: Date | null;
}

/** Stores the regions snapshot and its conflicts through knex. */
export class DatabaseRegionsStore {
  /** Connects to the plugin's database and brings its schema up to date. */
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseRegionsStore> {
    const { database } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseRegionsStore(client);
  }

  /**
   * The regions of the latest sync read, parsed once: every sync writes all
   * regions anew with its time, so the sync time names its regions (also
   * when another backend instance wrote them).
   */
  private parsed?: { syncedAt: number; regions: RegionEntity[] };

  private constructor(private readonly db: Knex) {}

  /**
   * Replaces the whole snapshot in one transaction, so readers see either the
   * previous sync or this one, never a mix.
   */
  async replaceSnapshot(snapshot: {
    regions: RegionEntity[];
    conflicts: RegionConflict[];
    syncedAt: Date;
  }): Promise<void> {
    const { regions, conflicts, syncedAt } = snapshot;
    this.parsed = undefined;
    await this.db.transaction(async tx => {
      await tx('regions').delete();
      await insertInChunks(
        tx,
        'regions',
        regions.map(region => ({
          ref: stringifyEntityRef(region),
          namespace: region.metadata.namespace ?? 'default',
          name: region.metadata.name,
          entity: JSON.stringify(region),
          synced_at: syncedAt,
        })),
      );
      await tx('region_conflicts').delete();
      await insertInChunks(
        tx,
        'region_conflicts',
        conflicts.map(conflict => ({
          type: conflict.type,
          field: conflict.field,
          message: conflict.message,
          region_refs: JSON.stringify(conflict.regions),
          entity_refs: conflict.entities
            ? JSON.stringify(conflict.entities)
            : null,
        })),
      );
      await tx('region_sync_state')
        .insert({ collector: CATALOG_COLLECTOR, synced_at: syncedAt })
        .onConflict('collector')
        .merge();
    });
  }

  /**
   * Reads regions, conflicts and sync time as of one moment. The regions of
   * one sync are read and parsed once and shared between callers: they are
   * frozen, read-only.
   */
  async getSnapshot(): Promise<RegionsSnapshot> {
    return this.readConsistently(async tx => {
      const syncedAt = await readSyncedAt(tx);
      return {
        regions: [...(await this.readRegions(tx, syncedAt))],
        conflicts: await readConflicts(tx),
        syncedAt,
      };
    });
  }

  private async readRegions(
    tx: Knex.Transaction,
    syncedAt: Date | null,
  ): Promise<RegionEntity[]> {
    if (syncedAt && this.parsed?.syncedAt === syncedAt.getTime()) {
      return this.parsed.regions;
    }
    const regionRows = await tx<RegionRow>('regions');
    // Sorted here rather than in SQL, where collations differ by engine.
    regionRows.sort((a, b) => compareRefs(a.ref, b.ref));
    const regions = regionRows.map(row => deepFreeze(JSON.parse(row.entity)));
    if (syncedAt) {
      this.parsed = { syncedAt: syncedAt.getTime(), regions };
    }
    return regions;
  }

  /** One region with the conflicts that name it; undefined when unknown. */
  async getRegion(ref: string): Promise<
    | {
        region: RegionEntity;
        conflicts: RegionConflict[];
        syncedAt: Date | null;
      }
    | undefined
  > {
    return this.readConsistently(async tx => {
      const row = await tx<RegionRow>('regions').where({ ref }).first();
      if (!row) {
        return undefined;
      }
      const conflicts = await readConflicts(tx);
      return {
        region: JSON.parse(row.entity),
        conflicts: conflicts.filter(c => c.regions.includes(ref)),
        syncedAt: await readSyncedAt(tx),
      };
    });
  }

  /**
   * Replaces the conflicts of one type that a collector found on the nodes
   * (e.g. `split-brain`); they are listed after those of the catalog sync.
   */
  async replaceObservedConflicts(
    type: string,
    conflicts: RegionConflict[],
    observedAt: Date,
  ): Promise<void> {
    await this.db.transaction(async tx => {
      await tx(OBSERVED_CONFLICTS).where({ type }).delete();
      await insertInChunks(
        tx,
        OBSERVED_CONFLICTS,
        conflicts.map(conflict => ({
          type,
          field: conflict.field,
          message: conflict.message,
          severity: conflict.severity ?? 'warning',
          region_refs: JSON.stringify(conflict.regions),
          observed_at: observedAt,
        })),
      );
    });
  }

  /** Every conflict and when it was computed. */
  async getConflicts(): Promise<{
    conflicts: RegionConflict[];
    syncedAt: Date | null;
  }> {
    return this.readConsistently(async tx => ({
      conflicts: await readConflicts(tx),
      syncedAt: await readSyncedAt(tx),
    }));
  }

  // PostgreSQL's default READ COMMITTED lets each statement of a transaction
  // see a different commit; REPEATABLE READ pins them to one snapshot. SQLite
  // transactions are serializable already and warn on an isolation level.
  private readConsistently<T>(fn: (tx: Knex.Transaction) => Promise<T>) {
    const isPostgres = this.db.client.config.client === 'pg';
    return this.db.transaction(fn, {
      isolationLevel: isPostgres ? 'repeatable read' : undefined,
      readOnly: isPostgres,
    });
  }
}

async function insertInChunks(
  tx: Knex.Transaction,
  table: string,
  rows: object[],
) {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK_SIZE) {
    await tx(table).insert(rows.slice(i, i + INSERT_CHUNK_SIZE));
  }
}

/** The catalog's conflicts, then those observed on the nodes, critical first. */
async function readConflicts(tx: Knex.Transaction): Promise<RegionConflict[]> {
  const rows = await tx<ConflictRow>('region_conflicts').orderBy('id');
  const observed = await tx<ObservedConflictRow>(OBSERVED_CONFLICTS).orderBy(
    'id',
  );
  return [
    ...observed.map(row => ({
      type: row.type,
      regions: JSON.parse(row.region_refs),
      field: row.field,
      message: row.message,
      severity: row.severity,
      observedAt: toDate(row.observed_at).toISOString(),
    })),
    ...rows.map(row => ({
      type: row.type,
      regions: JSON.parse(row.region_refs),
      ...(row.entity_refs ? { entities: JSON.parse(row.entity_refs) } : {}),
      field: row.field,
      message: row.message,
    })),
  ];
}

async function readSyncedAt(tx: Knex.Transaction): Promise<Date | null> {
  const row = await tx('region_sync_state')
    .where({ collector: CATALOG_COLLECTOR })
    .first();
  return row ? toDate(row.synced_at) : null;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) {
      deepFreeze(child);
    }
    Object.freeze(value);
  }
  return value;
}

/** Orders canonical refs by code point, the same on every engine. */
export function compareRefs(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}
