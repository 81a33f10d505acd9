import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { migratedClient } from './migratedClient';
import { toDate } from './rows';

const TABLE = 'region_link_latency';

/** One measurement of the latency from one region to another. */
export interface LinkMeasurement {
  from: string;
  to: string;
  source: 'prometheus' | 'probes';
  measuredMs: number;
  measuredAt: Date;
}

/** The latest latency measured on each link, by source. */
export class LinkLatencyStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<LinkLatencyStore> {
    return new LinkLatencyStore(await migratedClient(options.database));
  }

  private constructor(private readonly db: Knex) {}

  /** Replaces every measurement of `source` with `measurements`, in one transaction. */
  async replace(
    source: LinkMeasurement['source'],
    measurements: Omit<LinkMeasurement, 'source'>[],
  ): Promise<void> {
    await this.db.transaction(async tx => {
      await tx(TABLE).where({ source }).delete();
      if (measurements.length) {
        await tx(TABLE).insert(
          measurements.map(m => ({
            from_ref: m.from,
            to_ref: m.to,
            source,
            measured_ms: m.measuredMs,
            measured_at: m.measuredAt,
          })),
        );
      }
    });
  }

  async list(): Promise<LinkMeasurement[]> {
    const rows = await this.db(TABLE).select();
    return rows.map(row => ({
      from: row.from_ref,
      to: row.to_ref,
      source: row.source,
      measuredMs: Number(row.measured_ms),
      measuredAt: toDate(row.measured_at),
    }));
  }
}
