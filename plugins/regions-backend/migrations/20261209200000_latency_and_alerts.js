// @ts-check

/**
 * Measured link latency (what Prometheus or a probe says a link between two
 * regions takes), and the state of each alert Meridian notifies about once
 * per change (an RPO breach, a link over its latency target).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('region_link_latency', table => {
    table.string('from_ref').notNullable();
    table.string('to_ref').notNullable();
    table.string('source').notNullable().comment('prometheus or probes');
    table.float('measured_ms').notNullable();
    table.timestamp('measured_at', { useTz: true }).notNullable();
    table.primary(['from_ref', 'to_ref', 'source']);
  });
  await knex.schema.createTable('region_alert_states', table => {
    table
      .string('alert_key')
      .primary()
      .comment('e.g. rpo:region:default/us-west');
    table.string('state').notNullable();
    table.timestamp('changed_at', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('region_alert_states');
  await knex.schema.dropTable('region_link_latency');
};
