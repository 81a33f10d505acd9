import {
  DatabaseNode,
  FailoverStepContext,
  Fencer,
  FenceResult,
  FenceVerdict,
} from '@meridian/plugin-regions-node';
import { Client } from 'pg';
import { isUnreachable, withNode } from '../../postgres/connection';

/** How long the fence waits for each ended session to exit. */
const TERMINATE_TIMEOUT_MS = 5_000;

/**
 * Where the fence records what it changed. It lives in the node's database, so
 * it replicates: the promoted standby reads it to undo the role changes, and
 * an operator reads it on the old primary to lift the fence.
 */
export const FENCE_TABLE = 'meridian_fence';

const ENSURE_FENCE_TABLE = `
CREATE TABLE IF NOT EXISTS ${FENCE_TABLE} (
  id bigserial PRIMARY KEY,
  fenced_at timestamptz NOT NULL DEFAULT now(),
  roles text[] NOT NULL,
  lifted_at timestamptz
)`;

/**
 * Where the last WAL record written ends, which a standby's replay reaches.
 * The insert position covers asynchronous commits still in the WAL buffers,
 * but on an idle node it can point just past the header of the next page (24
 * bytes; 40 at the start of a segment), where no record ends: a standby would
 * never replay "up to" it.
 */
export const LAST_RECORD_END_SQL = `
WITH insert AS (
  SELECT pg_current_wal_insert_lsn() AS lsn,
         (pg_walfile_name_offset(pg_current_wal_insert_lsn())).file_offset AS offset,
         current_setting('wal_block_size')::int AS page)
SELECT (CASE WHEN "offset" = 40 THEN lsn - 40
             WHEN "offset" % page = 24 THEN lsn - 24
             ELSE lsn END)::text AS lsn
  FROM insert`;

/** Roles the fence locks out: every one that may log in, but superusers and our own. */
const LOCKABLE_ROLES = `
SELECT rolname::text AS rolname FROM pg_roles
 WHERE rolcanlogin AND NOT rolsuper AND rolname <> current_user
 ORDER BY rolname`;

/**
 * The `sql` fencer: fences a plain PostgreSQL primary over its own connection
 * so that no application session can commit a write there again — not with
 * `SET default_transaction_read_only = off`, not with `BEGIN READ WRITE`:
 *
 * 1. in one transaction, `ALTER ROLE … NOLOGIN` for every role that may log in
 *    except superusers and Meridian's own, recorded in `meridian_fence`;
 * 2. `ALTER SYSTEM SET default_transaction_read_only = on` and a reload, so a
 *    superuser's session is read-only by default too;
 * 3. ends every other client session and waits for each to exit;
 * 4. reads the last WAL position written, which the target must replay.
 *
 * The role changes and their record are catalog writes: they replicate, so
 * {@link SqlFencer.liftReplicated} undoes them on the promoted standby. The
 * verdict is positive evidence only: read-only, no lockable role left, no
 * such session left. A node that does not answer is not fenced.
 */
export class SqlFencer implements Fencer {
  readonly id = 'sql';
  readonly reach = 'in-band';

  supports(node: DatabaseNode): boolean {
    return Boolean(node.connection) && !node.patroni;
  }

  async fence(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<FenceResult> {
    return withNode(node, ctx, 'fence', async client => {
      // An earlier fence may have left the node read-only: our own session writes the record.
      await client.query('SET default_transaction_read_only = off');
      const {
        rows: [{ in_recovery: inRecovery }],
      } = await client.query<{ in_recovery: boolean }>(
        'SELECT pg_is_in_recovery() AS in_recovery',
      );
      if (inRecovery) {
        throw new Error('it is in recovery (a standby), not a primary');
      }
      await client.query('BEGIN');
      let roles: string[];
      try {
        await client.query(ENSURE_FENCE_TABLE);
        roles = (
          await client.query<{ rolname: string }>(LOCKABLE_ROLES)
        ).rows.map(row => row.rolname);
        for (const role of roles) {
          await client.query(
            `ALTER ROLE ${client.escapeIdentifier(role)} NOLOGIN`,
          );
        }
        await client.query(`INSERT INTO ${FENCE_TABLE} (roles) VALUES ($1)`, [
          roles,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
      ctx.log(
        roles.length
          ? `${node.name}: roles that may no longer log in: ${roles.join(
              ', ',
            )} (ALTER ROLE … NOLOGIN, recorded in ${FENCE_TABLE})`
          : `${node.name}: no role but superusers and Meridian's own may log in`,
      );
      await client.query('ALTER SYSTEM SET default_transaction_read_only = on');
      await client.query('SELECT pg_reload_conf()');
      ctx.log(
        `${node.name}: default_transaction_read_only = on (ALTER SYSTEM, reloaded)`,
      );
      // Sessions opened before may still be in a read-write transaction: end
      // them and wait until they are gone, so that nothing commits after the
      // position read below. Materialized so that our own session is left out
      // before anything is terminated.
      const { rows: ended } = await client.query<{ pid: number }>(
        `WITH clients AS MATERIALIZED (
           SELECT pid FROM pg_stat_activity
            WHERE backend_type = 'client backend' AND pid <> pg_backend_pid())
         SELECT pid FROM clients WHERE pg_terminate_backend(pid, $1)`,
        [TERMINATE_TIMEOUT_MS],
      );
      ctx.log(`${node.name}: ended ${ended.length} client session(s)`);
      const {
        rows: [{ lsn }],
      } = await client.query<{ lsn: string }>(LAST_RECORD_END_SQL);
      ctx.log(`${node.name}: fenced at WAL position ${lsn}`);
      return {
        lsn,
        detail: `${roles.length} role(s) locked out (${
          roles.join(', ') || 'none'
        }), read-only by default, ${ended.length} session(s) ended, at ${lsn}`,
      };
    });
  }

  async verify(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<FenceVerdict> {
    try {
      return await withNode(node, ctx, 'check the fence of', client =>
        verdictOf(client),
      );
    } catch (error) {
      return {
        fenced: false,
        unreachable: isUnreachable(error),
        detail: (error as Error).message,
      };
    }
  }

  async liftReplicated(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<void> {
    await withNode(node, ctx, 'lift the replicated fence on', async client => {
      await client.query('SET default_transaction_read_only = off');
      const {
        rows: [{ exists }],
      } = await client.query<{ exists: boolean }>(
        `SELECT to_regclass($1) IS NOT NULL AS exists`,
        [FENCE_TABLE],
      );
      if (exists) {
        await client.query('BEGIN');
        try {
          const { rows } = await client.query<{ id: string; roles: string[] }>(
            `SELECT id, roles FROM ${FENCE_TABLE} WHERE lifted_at IS NULL FOR UPDATE`,
          );
          const roles = [...new Set(rows.flatMap(row => row.roles))];
          const { rows: existing } = await client.query<{ rolname: string }>(
            'SELECT rolname FROM pg_roles WHERE rolname = ANY($1)',
            [roles],
          );
          for (const { rolname } of existing) {
            await client.query(
              `ALTER ROLE ${client.escapeIdentifier(rolname)} LOGIN`,
            );
          }
          await client.query(
            `UPDATE ${FENCE_TABLE} SET lifted_at = now() WHERE id = ANY($1)`,
            [rows.map(row => row.id)],
          );
          await client.query('COMMIT');
          if (existing.length) {
            ctx.log(
              `${
                node.name
              }: roles the old primary's fence locked out may log in again: ${existing
                .map(row => row.rolname)
                .join(', ')}`,
            );
          }
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        }
      }
      // A node fenced by an earlier switchover and rewound into a standby
      // keeps the read-only default in its postgresql.auto.conf.
      const { rows: readOnly } = await client.query(
        `SELECT 1 FROM pg_file_settings
          WHERE name = 'default_transaction_read_only' AND setting = 'on'
            AND sourcefile LIKE '%postgresql.auto.conf'`,
      );
      if (readOnly.length > 0) {
        await client.query('ALTER SYSTEM RESET default_transaction_read_only');
        await client.query('SELECT pg_reload_conf()');
        ctx.log(
          `${node.name}: lifted default_transaction_read_only left by an earlier fence (ALTER SYSTEM RESET, reloaded)`,
        );
      }
    });
  }
}

/** The fence as it stands on a node: positive evidence, or what is missing. */
async function verdictOf(client: Client): Promise<FenceVerdict> {
  const {
    rows: [row],
  } = await client.query<{
    in_recovery: boolean;
    read_only: string;
    roles: string[];
    sessions: number;
  }>(
    `SELECT pg_is_in_recovery() AS in_recovery,
            current_setting('default_transaction_read_only') AS read_only,
            ARRAY(${LOCKABLE_ROLES}) AS roles,
            (SELECT count(*)::int FROM pg_stat_activity a
               JOIN pg_roles r ON r.oid = a.usesysid
              WHERE a.backend_type = 'client backend' AND NOT r.rolsuper
                AND a.pid <> pg_backend_pid() AND r.rolname <> current_user) AS sessions`,
  );
  if (row.in_recovery) {
    return { fenced: true, detail: 'in recovery (a standby): takes no writes' };
  }
  const missing = [
    row.read_only === 'on' ? '' : 'default_transaction_read_only is off',
    row.roles.length ? `role(s) ${row.roles.join(', ')} may still log in` : '',
    row.sessions ? `${row.sessions} application session(s) still open` : '',
  ].filter(Boolean);
  return missing.length
    ? { fenced: false, detail: `not fenced: ${missing.join('; ')}` }
    : {
        fenced: true,
        detail:
          'fenced: read-only by default, only superusers and Meridian may log in, no application session open',
      };
}
