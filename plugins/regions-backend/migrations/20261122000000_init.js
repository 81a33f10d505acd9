// @ts-check

/**
 * The snapshot of Region entities read from the catalog, the conflicts found
 * across them, and when each collector last ran.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('regions', table => {
    table.comment('The Region entities of the last catalog sync');
    table
      .string('ref')
      .primary()
      .notNullable()
      .comment('Canonical entity ref, region:namespace/name');
    table.string('namespace').notNullable();
    table.string('name').notNullable();
    table.text('entity').notNullable().comment('The entity as JSON');
    table
      .timestamp('synced_at', { useTz: true })
      .notNullable()
      .comment('When the sync that wrote this row read the catalog');
    table.unique(['namespace', 'name'], {
      indexName: 'regions_namespace_name_idx',
    });
  });

  await knex.schema.createTable('region_conflicts', table => {
    table.comment('Conflicts found across the regions of the last sync');
    table.increments('id');
    table.string('type').notNullable().comment('e.g. cidr-overlap, hub-cycle');
    table.string('field').notNullable().comment('e.g. spec.network.cidr');
    table.text('message').notNullable();
    table
      .text('region_refs')
      .notNullable()
      .comment('JSON array of the canonical refs of every region involved');
  });

  await knex.schema.createTable('region_sync_state', table => {
    table.comment('When each collector last completed a sync');
    table.string('collector').primary().notNullable().comment('e.g. catalog');
    table.timestamp('synced_at', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('region_sync_state');
  await knex.schema.dropTable('region_conflicts');
  await knex.schema.dropTable('regions');
};
