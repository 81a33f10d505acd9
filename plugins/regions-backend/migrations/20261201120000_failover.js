// @ts-check

/**
 * Failover runs and the locks that keep one run per region at a time.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('region_failover_runs', table => {
    table.comment('Failover runs: drills, switchovers and emergency failovers');
    table.string('id').primary().notNullable().comment('A UUID');
    table
      .string('region_ref')
      .notNullable()
      .comment('The region whose primary is failed over');
    table
      .string('target_ref')
      .notNullable()
      .comment('The standby region promoted');
    table.string('mode').notNullable().comment('drill, switchover or failover');
    table.boolean('dry_run').notNullable().defaultTo(false);
    table.boolean('force').notNullable().defaultTo(false);
    table
      .string('status')
      .notNullable()
      .comment('pending, running, succeeded, failed, refused or interrupted');
    table.string('created_by').notNullable().comment('User entity ref');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table
      .timestamp('heartbeat_at', { useTz: true })
      .notNullable()
      .comment('Refreshed by the instance executing the run while it runs');
    table.text('preflight').notNullable().comment('JSON array of checks');
    table.text('steps').notNullable().comment('JSON array of steps with logs');
    table.integer('rto_ms').nullable();
    table.bigInteger('data_loss_bytes').nullable();
    table.text('error').nullable();
    table.index(
      ['region_ref', 'created_at'],
      'region_failover_runs_region_idx',
    );
    table.index(
      ['target_ref', 'created_at'],
      'region_failover_runs_target_idx',
    );
    table.index(['status'], 'region_failover_runs_status_idx');
  });

  await knex.schema.createTable('region_failover_locks', table => {
    table.comment(
      'One row per region held by an unfinished run; the primary key makes a second run on the same region fail to insert, across backend instances',
    );
    table.string('region_ref').primary().notNullable();
    table
      .string('run_id')
      .notNullable()
      .references('id')
      .inTable('region_failover_runs')
      .onDelete('CASCADE');
    table.index(['run_id'], 'region_failover_locks_run_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('region_failover_locks');
  await knex.schema.dropTable('region_failover_runs');
};
