// @ts-check

/**
 * Continuous assurance of failover plans: the latest scheduled pre-flight of
 * every primary → standby pair, and what the automatic failover policy
 * decided about each region.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('region_plan_validations', table => {
    table.comment(
      'The latest validation of each failover plan: an emergency failover pre-flight from a primary to one of its standbys',
    );
    table
      .string('region_ref')
      .notNullable()
      .comment('The region whose primary would be failed over');
    table
      .string('target_ref')
      .notNullable()
      .comment('The standby region it would be failed over to');
    table
      .boolean('ok')
      .notNullable()
      .comment('No check would stop the run, forcible checks included');
    table
      .text('checks')
      .notNullable()
      .comment('JSON array of the pre-flight checks');
    table.timestamp('validated_at', { useTz: true }).notNullable();
    table
      .timestamp('since', { useTz: true })
      .notNullable()
      .comment('When ok last changed');
    table.primary(['region_ref', 'target_ref']);
    table.index(['target_ref'], 'region_plan_validations_target_idx');
  });

  await knex.schema.createTable('region_automatic_decisions', table => {
    table.comment('What the automatic failover policy decided, and why');
    table.bigIncrements('id');
    table.string('region_ref').notNullable();
    table.string('target_ref').nullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.string('action').notNullable().comment('started, would-start, held');
    table.text('reason').notNullable();
    table.string('run_id').nullable().comment('The run it started');
    table.index(['region_ref', 'at'], 'region_automatic_decisions_ref_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('region_automatic_decisions');
  await knex.schema.dropTable('region_plan_validations');
};
