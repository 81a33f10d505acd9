import fs from 'node:fs';
import path from 'node:path';
import { FailoverStepContext } from '@meridian/plugin-regions-node';
import { startPostgresPair } from '../../testing/postgresLab';
import { PostgresPromoter } from './PostgresPromoter';

jest.setTimeout(120_000);

describe('PostgresPromoter', () => {
  it("lifts an earlier fence's read-only setting from the standby it promotes", async () => {
    const pair = await startPostgresPair({ names: ['east', 'west'] });
    try {
      // the standby was once a fenced primary, rewound into a standby: the
      // fence stays in its postgresql.auto.conf
      fs.appendFileSync(
        path.join(pair.standby.dataDir, 'postgresql.auto.conf'),
        "default_transaction_read_only = 'on'\n",
      );
      await pair.query(pair.standby, 'SELECT pg_reload_conf()');
      const log: string[] = [];
      const ctx: FailoverStepContext = {
        signal: new AbortController().signal,
        log: message => log.push(message),
      };
      const standby = {
        name: 'west-db',
        connection: pair.standby.superuserConnectionString,
      };
      const promoter = new PostgresPromoter();

      await promoter.promote(standby, ctx, {});
      await promoter.verifyWritable(standby, ctx);

      expect(log).toContain(
        'west-db: lifted default_transaction_read_only left by an earlier fence (ALTER SYSTEM RESET, reloaded)',
      );
      expect(await promoter.inspect(standby, ctx)).toMatchObject({
        role: 'primary',
        writable: true,
      });
    } finally {
      await pair.stop();
    }
  });
});
