import { TestDatabases } from '@backstage/backend-test-utils';
import { AlertStateStore } from './AlertStateStore';

describe('AlertStateStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'answers each change once, to one of two writers, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const database = { getClient: async () => knex };
      const one = await AlertStateStore.create({ database });
      const two = await AlertStateStore.create({ database });

      expect(await one.transition('rpo:region:default/us-west', 'ok')).toBe(
        null,
      );
      expect(
        await two.transition('rpo:region:default/us-west', 'ok'),
      ).toBeUndefined();

      const racing = await Promise.all([
        one.transition('rpo:region:default/us-west', 'breach'),
        two.transition('rpo:region:default/us-west', 'breach'),
      ]);
      expect(racing.filter(previous => previous === 'ok')).toHaveLength(1);
      expect(racing.filter(previous => previous === undefined)).toHaveLength(1);

      const firsts = await Promise.all([
        one.transition('latency:a', 'breach'),
        two.transition('latency:a', 'breach'),
      ]);
      expect(firsts.filter(previous => previous === null)).toHaveLength(1);
      expect(await one.list('rpo:')).toEqual(
        new Map([['rpo:region:default/us-west', 'breach']]),
      );
      await knex.destroy();
    },
  );
});
