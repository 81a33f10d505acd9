// @ts-check

/**
 * The failover lifecycle: approvals (how many a run needs, who gave them,
 * until when), cancel (who asked, and the flag a running executor reads
 * between steps), detected runs (what Meridian could tell of a promotion it
 * did not make), canary failbacks, and the role each region's node says it has.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('region_failover_runs', table => {
    table.integer('approvals_required').notNullable().defaultTo(0);
    table
      .text('approvals')
      .notNullable()
      .defaultTo('[]')
      .comment('JSON array of { by, at }');
    table.timestamp('approval_deadline', { useTz: true }).nullable();
    table.string('cancelled_by').nullable();
    table
      .boolean('cancel_requested')
      .notNullable()
      .defaultTo(false)
      .comment('Read by the executor between steps');
    table.text('detection').nullable().comment('JSON, for mode detected');
    table.text('canary').nullable().comment('JSON { percents, pauseSeconds }');
  });
  await knex.schema.alterTable('region_replication_state', table => {
    table
      .string('observed_role')
      .nullable()
      .comment(
        'primary, standby, fenced, unreachable or unknown, as the node said',
      );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('region_replication_state', table => {
    table.dropColumn('observed_role');
  });
  // Read first: on SQLite dropping columns rebuilds the runs table, and the
  // foreign keys would cascade the rebuild into the holds.
  const holds = await knex('region_failover_holds').select();
  await knex('region_failover_holds').delete();
  await knex.schema.alterTable('region_failover_runs', table => {
    table.dropColumn('approvals_required');
    table.dropColumn('approvals');
    table.dropColumn('approval_deadline');
    table.dropColumn('cancelled_by');
    table.dropColumn('cancel_requested');
    table.dropColumn('detection');
    table.dropColumn('canary');
  });
  if (holds.length) {
    await knex('region_failover_holds').insert(holds);
  }
};
