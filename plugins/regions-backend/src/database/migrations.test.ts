import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { resolve as resolvePath } from 'node:path';

const migrationsDir = resolvePath(__dirname, '../../migrations');

jest.setTimeout(60_000);

// Matched on the message: better-sqlite3's errors fail instanceof checks when
// a second test file in the same Jest worker loads the native module again.
const uniqueViolation = expect.stringMatching(
  /UNIQUE constraint failed|duplicate key value violates unique constraint/,
);

async function tableNames(knex: Knex): Promise<string[]> {
  const rows =
    knex.client.config.client === 'pg'
      ? await knex('information_schema.tables')
          .where({ table_schema: 'public' })
          .select({ name: 'table_name' })
      : await knex('sqlite_master').where({ type: 'table' }).select('name');
  return rows
    .map((row: { name: string }) => row.name)
    .filter(name => !name.startsWith('knex_') && !name.startsWith('sqlite_'))
    .sort();
}

describe('migrations', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'creates every table and removes them again, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);

      await knex.migrate.latest({ directory: migrationsDir });
      expect(await tableNames(knex)).toEqual([
        'region_alert_states',
        'region_allocations',
        'region_automatic_decisions',
        'region_conflicts',
        'region_cost_days',
        'region_cost_state',
        'region_failover_holds',
        'region_failover_runs',
        'region_landings',
        'region_link_latency',
        'region_observed_conflicts',
        'region_plan_validations',
        'region_probe_checks',
        'region_probe_rollups',
        'region_probe_state',
        'region_readiness_history',
        'region_readiness_state',
        'region_replication_rollups',
        'region_replication_samples',
        'region_replication_state',
        'region_sync_state',
        'regions',
      ]);

      const syncedAt = new Date('2026-11-01T12:00:00Z');
      await knex('regions').insert({
        ref: 'region:default/studio-sul',
        namespace: 'default',
        name: 'studio-sul',
        entity: '{}',
        synced_at: syncedAt,
      });
      await expect(
        knex('regions').insert({
          ref: 'region:default/studio-sul-2',
          namespace: 'default',
          name: 'studio-sul',
          entity: '{}',
          synced_at: syncedAt,
        }),
      ).rejects.toMatchObject({ message: uniqueViolation });
      await knex('region_conflicts').insert({
        type: 'cidr-overlap',
        field: 'spec.network.cidr',
        message: 'overlap',
        region_refs: '["region:default/studio-sul"]',
      });
      await knex('region_sync_state').insert({
        collector: 'catalog',
        synced_at: syncedAt,
      });

      await knex('region_replication_samples').insert({
        region_ref: 'region:default/studio-sul',
        sampled_at: syncedAt,
        lag_bytes: 2 ** 40,
        lag_seconds: 1.5,
      });
      // lag bytes beyond 32 bits survive the round trip
      expect(
        Number((await knex('region_replication_samples').first()).lag_bytes),
      ).toBe(2 ** 40);
      await knex('region_replication_rollups').insert({
        region_ref: 'region:default/studio-sul',
        bucket: syncedAt,
      });
      await expect(
        knex('region_replication_rollups').insert({
          region_ref: 'region:default/studio-sul',
          bucket: syncedAt,
        }),
      ).rejects.toMatchObject({ message: uniqueViolation });

      const plan = {
        region_ref: 'region:default/studio-primary',
        target_ref: 'region:default/studio-sul',
        ok: false,
        checks: '[]',
        validated_at: syncedAt,
        since: syncedAt,
      };
      await knex('region_plan_validations').insert(plan);
      // one latest validation per plan
      await expect(
        knex('region_plan_validations').insert({ ...plan, ok: true }),
      ).rejects.toMatchObject({ message: uniqueViolation });
      await knex('region_automatic_decisions').insert([
        {
          region_ref: 'region:default/studio-primary',
          target_ref: null,
          at: syncedAt,
          action: 'held',
          reason: 'no standby passes its pre-flight',
        },
        {
          region_ref: 'region:default/studio-primary',
          target_ref: 'region:default/studio-sul',
          at: syncedAt,
          action: 'started',
          reason: 'every probe down for 3 checks',
          run_id: 'run-1',
        },
      ]);

      await knex('region_probe_checks').insert([
        {
          probe: 'us-east-api',
          checked_at: syncedAt,
          ok: true,
          latency_ms: 12.5,
        },
        { probe: 'us-east-api', checked_at: syncedAt, ok: false },
      ]);
      const probeBucket = {
        probe: 'us-east-api',
        width_ms: 300_000,
        bucket: syncedAt,
        checks: 2,
        failures: 1,
        latency_sum_ms: 12.5,
      };
      await knex('region_probe_rollups').insert(probeBucket);
      // one rollup per probe and bucket of each width
      await expect(
        knex('region_probe_rollups').insert(probeBucket),
      ).rejects.toMatchObject({ message: uniqueViolation });
      await knex('region_probe_rollups').insert({
        ...probeBucket,
        width_ms: 3_600_000,
      });
      await knex('region_probe_state').insert({
        probe: 'us-east-api',
        status: 'degraded',
        consecutive_failures: 1,
        last_error: 'connection refused',
        checked_at: syncedAt,
        since: syncedAt,
      });

      // the probes migration alone goes down and up again
      const probes = {
        directory: migrationsDir,
        name: '20261210000000_probes.js',
      };
      await knex.migrate.down(probes);
      expect(await tableNames(knex)).not.toContain('region_probe_state');
      await knex.migrate.up(probes);
      expect(await knex('region_probe_checks').select()).toEqual([]);

      // a residency conflict names the entity besides the region
      await knex('region_conflicts').insert({
        type: 'residency',
        field: 'metadata.annotations.meridian.dev/residency',
        message: 'LGPD data outside LGPD',
        region_refs: '["region:default/us-east"]',
        entity_refs: '["component:default/checkout"]',
      });
      await knex('region_replication_state').insert({
        region_ref: 'region:default/studio-norte',
        sampled_at: syncedAt,
        status: 'ok',
        reason: 'caught up',
        replicas: '[]',
        subscriptions: '[{"name":"norte_sub"}]',
      });

      await knex.migrate.rollback({ directory: migrationsDir }, true);
      expect(await tableNames(knex)).toEqual([]);

      // down is complete: up runs again on the emptied database
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex('regions').select()).toEqual([]);

      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'moves the holds of unfinished runs up to the failover safety schema and back, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const config = { directory: migrationsDir };
      // every migration before the failover safety one
      for (let i = 0; i < 6; i++) {
        await knex.migrate.up(config);
      }
      const now = new Date('2026-12-01T12:00:00Z');
      await knex('region_failover_runs').insert({
        id: 'run-1',
        region_ref: 'region:default/us-east',
        target_ref: 'region:default/us-west',
        mode: 'switchover',
        status: 'running',
        created_by: 'user:default/priya.nair',
        created_at: now,
        heartbeat_at: now,
        preflight: '[]',
        steps: '[]',
      });
      await knex('region_failover_locks').insert([
        { region_ref: 'region:default/us-east', run_id: 'run-1' },
        { region_ref: 'region:default/us-west', run_id: 'run-1' },
      ]);

      await knex.migrate.up(config);
      expect(
        await knex('region_failover_holds').orderBy('resource').select(),
      ).toEqual([
        { resource: 'region:default/us-east', run_id: 'run-1' },
        { resource: 'region:default/us-west', run_id: 'run-1' },
      ]);
      expect(
        await knex('region_failover_runs').first('lease_epoch', 'resumes'),
      ).toEqual({ lease_epoch: 0, resumes: 0 });
      await knex('region_failover_holds').insert({
        resource: 'database:us-east-db',
        run_id: 'run-1',
      });

      await knex.migrate.down(config);
      expect(
        await knex('region_failover_locks').orderBy('region_ref').select(),
      ).toEqual([
        { region_ref: 'region:default/us-east', run_id: 'run-1' },
        { region_ref: 'region:default/us-west', run_id: 'run-1' },
      ]);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'adds the subscriptions and entity refs columns and removes them again, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const config = { directory: migrationsDir };
      await knex.migrate.latest(config);
      // back to the migration before the logical-and-residency one
      while ((await knex.migrate.currentVersion(config)) >= '20261210100000') {
        await knex.migrate.down(config);
      }
      const columns = async () => ({
        subscriptions: await knex.schema.hasColumn(
          'region_replication_state',
          'subscriptions',
        ),
        entityRefs: await knex.schema.hasColumn(
          'region_conflicts',
          'entity_refs',
        ),
      });
      expect(await columns()).toEqual({
        subscriptions: false,
        entityRefs: false,
      });
      await knex.migrate.up(config);
      expect(await columns()).toEqual({
        subscriptions: true,
        entityRefs: true,
      });
      await knex.destroy();
    },
  );
});
