// @ts-check

/**
 * Failover safety: a lease epoch on every run (checked by each write of its
 * executor), the operator's attestation and the fence of the old primary, the
 * run's persisted progress (so that a resumed run knows what was done), holds
 * on database nodes as well as regions, what the collector read of each node
 * (for the split-brain guard), and the conflicts observed on the nodes.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('region_failover_runs', table => {
    table
      .integer('lease_epoch')
      .notNullable()
      .defaultTo(0)
      .comment(
        'Raised by every claim of the run; writes of an older epoch are refused',
      );
    table
      .text('source_fenced')
      .nullable()
      .comment("The operator's account of how the old primary was made safe");
    table
      .text('fence')
      .nullable()
      .comment('JSON: how the old primary was fenced');
    table
      .text('progress')
      .nullable()
      .comment('JSON: what the steps did so far, for a resumed run');
    table.integer('resumes').notNullable().defaultTo(0);
  });

  await knex.schema.createTable('region_failover_holds', table => {
    table.comment(
      'One row per region or database node held by an unfinished run; the primary key makes a second run on either fail to insert, across backend instances',
    );
    table
      .string('resource')
      .primary()
      .notNullable()
      .comment('A region ref, or database:<name> for a regions.databases node');
    table
      .string('run_id')
      .notNullable()
      .references('id')
      .inTable('region_failover_runs')
      .onDelete('CASCADE');
    table.index(['run_id'], 'region_failover_holds_run_idx');
  });
  const locks = await knex('region_failover_locks').select();
  if (locks.length) {
    await knex('region_failover_holds').insert(
      locks.map(lock => ({ resource: lock.region_ref, run_id: lock.run_id })),
    );
  }
  await knex.schema.dropTable('region_failover_locks');

  await knex.schema.alterTable('region_replication_state', table => {
    table
      .text('node')
      .nullable()
      .comment(
        'JSON: what the node said of itself (system identifier, timeline, writable, fenced)',
      );
  });

  await knex.schema.createTable('region_observed_conflicts', table => {
    table.comment(
      'Conflicts found on the database nodes by the collectors (e.g. two writable primaries), replaced on every observation',
    );
    table.increments('id');
    table.string('type').notNullable().comment('e.g. split-brain');
    table.string('field').notNullable();
    table.text('message').notNullable();
    table.string('severity').notNullable().comment('warning or critical');
    table
      .text('region_refs')
      .notNullable()
      .comment('JSON array of the canonical refs of every region involved');
    table.timestamp('observed_at', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  // Read first: on SQLite dropping columns rebuilds the runs table, and the
  // foreign keys would cascade the rebuild into the holds.
  const holds = await knex('region_failover_holds')
    .where('resource', 'like', 'region:%')
    .select();
  await knex.schema.dropTable('region_observed_conflicts');
  await knex.schema.alterTable('region_replication_state', table => {
    table.dropColumn('node');
  });
  await knex.schema.dropTable('region_failover_holds');
  await knex.schema.alterTable('region_failover_runs', table => {
    table.dropColumn('lease_epoch');
    table.dropColumn('source_fenced');
    table.dropColumn('fence');
    table.dropColumn('progress');
    table.dropColumn('resumes');
  });
  await knex.schema.createTable('region_failover_locks', table => {
    table.string('region_ref').primary().notNullable();
    table
      .string('run_id')
      .notNullable()
      .references('id')
      .inTable('region_failover_runs')
      .onDelete('CASCADE');
    table.index(['run_id'], 'region_failover_locks_run_idx');
  });
  if (holds.length) {
    await knex('region_failover_locks').insert(
      holds.map(hold => ({ region_ref: hold.resource, run_id: hold.run_id })),
    );
  }
};
