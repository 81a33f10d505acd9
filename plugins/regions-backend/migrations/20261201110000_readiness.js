// @ts-check

/**
 * Production readiness: the latest scorecard of each region and the history
 * of its score.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('region_readiness_state', table => {
    table.comment('The latest readiness evaluation of each region');
    table
      .string('region_ref')
      .primary()
      .notNullable()
      .comment('Canonical entity ref, region:namespace/name');
    table.timestamp('evaluated_at', { useTz: true }).notNullable();
    table.double('score').notNullable().comment('0-100, weighted');
    table
      .text('categories')
      .notNullable()
      .comment('JSON array of the categories with their checks and verdicts');
  });

  await knex.schema.createTable('region_readiness_history', table => {
    table.comment('The score of every readiness evaluation, for the trend');
    table.bigIncrements('id');
    table.string('region_ref').notNullable();
    table.timestamp('evaluated_at', { useTz: true }).notNullable();
    table.double('score').notNullable();
    table.index(
      ['region_ref', 'evaluated_at'],
      'region_readiness_history_ref_at_idx',
    );
    table.index(['evaluated_at'], 'region_readiness_history_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('region_readiness_history');
  await knex.schema.dropTable('region_readiness_state');
};
