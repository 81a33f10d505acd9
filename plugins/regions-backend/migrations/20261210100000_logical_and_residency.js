// @ts-check

/**
 * Logical replication and data residency: the logical subscriptions a
 * region's node last reported, and the other entities (Components,
 * Resources, Systems) a conflict involves besides regions.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('region_replication_state', table => {
    table
      .text('subscriptions')
      .nullable()
      .comment("JSON of the node's logical subscriptions");
  });
  await knex.schema.alterTable('region_conflicts', table => {
    table
      .text('entity_refs')
      .nullable()
      .comment('JSON array of the other entities involved, e.g. a Component');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('region_conflicts', table => {
    table.dropColumn('entity_refs');
  });
  await knex.schema.alterTable('region_replication_state', table => {
    table.dropColumn('subscriptions');
  });
};
