// @ts-check

/**
 * Replication samples: the raw rows of each sample (one per replica, or one
 * for a standby's own view), the latest outcome per region, and 5-minute
 * rollups that answer the long history windows.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('region_replication_samples', table => {
    table.comment('Raw replication samples, kept for a short retention');
    table.bigIncrements('id');
    table
      .string('region_ref')
      .notNullable()
      .comment('Canonical entity ref, region:namespace/name');
    table
      .string('replica')
      .notNullable()
      .defaultTo('')
      .comment("The replica's name, or '' for a standby's own view");
    table.timestamp('sampled_at', { useTz: true }).notNullable();
    table.string('state').nullable().comment('e.g. streaming, stopped');
    table.string('sync_state').nullable().comment('e.g. async, sync');
    table.bigInteger('lag_bytes').nullable();
    table.double('lag_seconds').nullable();
    table.index(
      ['region_ref', 'sampled_at'],
      'region_replication_samples_ref_at_idx',
    );
    table.index(['sampled_at'], 'region_replication_samples_at_idx');
  });

  await knex.schema.createTable('region_replication_state', table => {
    table.comment(
      'The outcome of the latest replication sample of each region',
    );
    table.string('region_ref').primary().notNullable();
    table.timestamp('sampled_at', { useTz: true }).notNullable();
    table
      .string('status')
      .notNullable()
      .comment('ok, warning, breach or unknown');
    table.text('reason').notNullable();
    table
      .string('source')
      .nullable()
      .comment('The id of the source that sampled');
    table
      .string('database')
      .nullable()
      .comment('The regions.databases node observed, by name');
    table.bigInteger('lag_bytes').nullable().comment("The worst replica's lag");
    table.double('lag_seconds').nullable();
    table
      .text('replicas')
      .notNullable()
      .comment('JSON array of replica states');
    table.text('standby').nullable().comment("JSON of a standby's own view");
  });

  await knex.schema.createTable('region_replication_rollups', table => {
    table.comment('Worst lag per region per 5-minute bucket, for long windows');
    table.string('region_ref').notNullable();
    table
      .timestamp('bucket', { useTz: true })
      .notNullable()
      .comment('Start of the 5-minute bucket');
    table.bigInteger('max_lag_bytes').nullable();
    table.double('max_lag_seconds').nullable();
    table.primary(['region_ref', 'bucket']);
    table.index(['bucket'], 'region_replication_rollups_bucket_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('region_replication_rollups');
  await knex.schema.dropTable('region_replication_state');
  await knex.schema.dropTable('region_replication_samples');
};
