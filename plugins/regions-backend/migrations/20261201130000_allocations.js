// @ts-check

/**
 * Provisioning: the network blocks allocated from the CIDR pools, and the
 * Region entities that templates landed locally (served to the catalog by the
 * catalog module's provider when no git host is used).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('region_allocations', table => {
    table.comment('Network blocks allocated to regions from the CIDR pools');
    table
      .string('region_ref')
      .primary()
      .notNullable()
      .comment('Canonical entity ref; one block per region');
    table.string('pool').notNullable().comment('Name of the pool in config');
    table
      .string('cidr')
      .notNullable()
      .comment('The allocated block, canonical');
    table.timestamp('allocated_at', { useTz: true }).notNullable();
    // Blocks of one pool share a prefix length and pools never overlap, so a
    // unique block is a non-overlapping block: concurrent runs cannot collide.
    table.unique(['cidr'], { indexName: 'region_allocations_cidr_idx' });
  });

  await knex.schema.createTable('region_landings', table => {
    table.comment('Region entities landed by templates without a git host');
    table
      .string('ref')
      .primary()
      .notNullable()
      .comment('Canonical entity ref, region:namespace/name');
    table.text('entity').notNullable().comment('The entity as JSON');
    table.timestamp('landed_at', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('region_landings');
  await knex.schema.dropTable('region_allocations');
};
