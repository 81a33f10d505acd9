// @ts-check

/**
 * Region costs: one row per region, cluster and UTC day (re-read while
 * OpenCost revises recent days), and the outcome of each region's latest read.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('region_cost_days', table => {
    table.comment('Daily cost of each cluster of each region');
    table
      .string('region_ref')
      .notNullable()
      .comment('Canonical entity ref, region:namespace/name');
    table.string('cluster').notNullable();
    table.string('day', 10).notNullable().comment('UTC day, YYYY-MM-DD');
    for (const bucket of [
      'cpu',
      'gpu',
      'ram',
      'storage',
      'network',
      'load_balancer',
      'shared',
      'external',
      'idle',
      'total',
    ]) {
      table.double(`${bucket}_cost`).notNullable().defaultTo(0);
    }
    table.double('cpu_core_usage_minutes').notNullable().defaultTo(0);
    table.double('cpu_core_request_minutes').notNullable().defaultTo(0);
    table.double('ram_byte_usage_minutes').notNullable().defaultTo(0);
    table.double('ram_byte_request_minutes').notNullable().defaultTo(0);
    table.timestamp('collected_at', { useTz: true }).notNullable();
    table.primary(['region_ref', 'cluster', 'day']);
    table.index(['region_ref', 'day'], 'region_cost_days_ref_day_idx');
    table.index(['day'], 'region_cost_days_day_idx');
  });

  await knex.schema.createTable('region_cost_state', table => {
    table.comment('The outcome of the latest cost read of each region');
    table.string('region_ref').primary().notNullable();
    table.string('source').nullable().comment('The id of the source that read');
    table
      .text('clusters')
      .notNullable()
      .comment('JSON array of the clusters read');
    table
      .timestamp('collected_at', { useTz: true })
      .nullable()
      .comment('The latest successful read');
    table
      .timestamp('failed_at', { useTz: true })
      .nullable()
      .comment('The latest read, when it failed');
    table.text('error').nullable().comment('Why the latest read failed');
    table
      .boolean('idle_estimated')
      .notNullable()
      .defaultTo(false)
      .comment('Idle cost shared out among clusters of several regions');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('region_cost_state');
  await knex.schema.dropTable('region_cost_days');
};
