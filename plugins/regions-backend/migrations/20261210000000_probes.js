// @ts-check

/**
 * Health probes: the raw checks (kept for a short retention), 5-minute and
 * hourly rollups that answer the long windows, and the current state of each
 * probe (failed checks in a row, status and since when).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('region_probe_checks', table => {
    table.comment('Raw probe checks, kept for a short retention');
    table.bigIncrements('id');
    table.string('probe').notNullable().comment('The key under regions.probes');
    table.timestamp('checked_at', { useTz: true }).notNullable();
    table.boolean('ok').notNullable();
    table.double('latency_ms').nullable().comment('Null when the check failed');
    table.index(['probe', 'checked_at'], 'region_probe_checks_probe_at_idx');
    table.index(['checked_at'], 'region_probe_checks_at_idx');
  });

  await knex.schema.createTable('region_probe_rollups', table => {
    table.comment(
      'Checks per probe per bucket: 5-minute buckets for the 24 h and 7 d windows, hourly ones for 30 d',
    );
    table.string('probe').notNullable();
    table
      .integer('width_ms')
      .notNullable()
      .comment('The width of the bucket: 300000 or 3600000');
    table
      .timestamp('bucket', { useTz: true })
      .notNullable()
      .comment('Start of the bucket');
    table.integer('checks').notNullable();
    table.integer('failures').notNullable();
    table
      .double('latency_sum_ms')
      .notNullable()
      .comment('Sum of the latency of the successful checks');
    table.double('max_latency_ms').nullable();
    table.primary(['probe', 'width_ms', 'bucket']);
    table.index(['bucket'], 'region_probe_rollups_bucket_idx');
  });

  await knex.schema.createTable('region_probe_state', table => {
    table.comment('The current state of each probe');
    table.string('probe').primary().notNullable();
    table.string('status').notNullable().comment('up, degraded or down');
    table.integer('consecutive_failures').notNullable();
    table.double('latency_ms').nullable();
    table.text('last_error').nullable();
    table.timestamp('checked_at', { useTz: true }).notNullable();
    table
      .timestamp('since', { useTz: true })
      .notNullable()
      .comment('When the status last changed');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('region_probe_state');
  await knex.schema.dropTable('region_probe_rollups');
  await knex.schema.dropTable('region_probe_checks');
};
