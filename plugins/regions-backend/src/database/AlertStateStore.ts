import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { migratedClient } from './migratedClient';

const TABLE = 'region_alert_states';

/**
 * The last state of each alert Meridian notifies about once per change (an
 * RPO breach, a link over its latency target), shared by every backend
 * instance: a change is claimed by one compare-and-set, so two instances
 * seeing the same change notify once.
 */
export class AlertStateStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<AlertStateStore> {
    return new AlertStateStore(await migratedClient(options.database));
  }

  private constructor(private readonly db: Knex) {}

  /**
   * Records `state` for `key`. Answers the state it replaced when this call
   * changed it (`null` for the first state of the key), or `undefined` when
   * the key already had that state or another writer changed it first.
   */
  async transition(
    key: string,
    state: string,
    at = new Date(),
  ): Promise<string | null | undefined> {
    const current = await this.db(TABLE)
      .where({ alert_key: key })
      .first('state');
    if (current?.state === state) {
      return undefined;
    }
    if (!current) {
      const inserted = await this.db(TABLE)
        .insert({ alert_key: key, state, changed_at: at })
        .onConflict('alert_key')
        .ignore()
        .returning('alert_key');
      return inserted.length === 1 ? null : undefined;
    }
    const updated = await this.db(TABLE)
      .where({ alert_key: key, state: current.state })
      .update({ state, changed_at: at });
    return updated === 1 ? current.state : undefined;
  }

  /** The current state of each key with `prefix`. */
  async list(prefix: string): Promise<Map<string, string>> {
    const rows = await this.db(TABLE)
      .where('alert_key', 'like', `${prefix}%`)
      .select('alert_key', 'state');
    return new Map(rows.map(row => [row.alert_key, row.state]));
  }
}
