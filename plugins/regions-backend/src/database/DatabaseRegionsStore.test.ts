import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { RegionConflict } from '@meridian/plugin-regions-common';
import { region } from '../__testUtils__/region';
import { DatabaseRegionsStore } from './DatabaseRegionsStore';

jest.setTimeout(60_000);

// Matched on the message: better-sqlite3's errors fail instanceof checks when
// a second test file in the same Jest worker loads the native module again.
const uniqueViolation = expect.stringMatching(
  /UNIQUE constraint failed|duplicate key value violates unique constraint/,
);

const overlap: RegionConflict = {
  type: 'cidr-overlap',
  regions: ['region:default/a', 'region:default/b'],
  field: 'spec.network.cidr',
  message:
    'spec.network.cidr 10.16.0.0/16 of region:default/a overlaps 10.16.0.0/12 of region:default/b',
};

describe('DatabaseRegionsStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      return DatabaseRegionsStore.create({
        database: mockServices.database({ knex }),
      });
    }

    it('has no snapshot before the first sync', async () => {
      const store = await createStore();
      await expect(store.getSnapshot()).resolves.toEqual({
        regions: [],
        conflicts: [],
        syncedAt: null,
      });
    });

    it('replaces the whole snapshot and keeps the sync time to the millisecond', async () => {
      const store = await createStore();
      await store.replaceSnapshot({
        regions: [region('b'), region('a')],
        conflicts: [overlap],
        syncedAt: new Date('2026-11-01T12:00:00.123Z'),
      });
      const secondSync = new Date('2026-11-01T12:00:15.456Z');
      await store.replaceSnapshot({
        regions: [region('c'), region('a', { type: 'global-hub' })],
        conflicts: [],
        syncedAt: secondSync,
      });

      const snapshot = await store.getSnapshot();
      expect(snapshot.regions.map(r => [r.metadata.name, r.spec.type])).toEqual(
        [
          ['a', 'global-hub'],
          ['c', 'edge'],
        ],
      );
      expect(snapshot.conflicts).toEqual([]);
      expect(snapshot.syncedAt).toEqual(secondSync);
    });

    it('keeps the previous snapshot when a replacement fails halfway', async () => {
      const store = await createStore();
      const syncedAt = new Date('2026-11-01T12:00:00Z');
      await store.replaceSnapshot({
        regions: [region('a'), region('b')],
        conflicts: [overlap],
        syncedAt,
      });

      // two entities with one ref violate the primary key after the old rows are gone
      await expect(
        store.replaceSnapshot({
          regions: [region('c'), region('c', { type: 'global-hub' })],
          conflicts: [],
          syncedAt: new Date('2026-11-01T12:00:15Z'),
        }),
      ).rejects.toMatchObject({ message: uniqueViolation });

      await expect(store.getSnapshot()).resolves.toEqual({
        regions: [region('a'), region('b')],
        conflicts: [overlap],
        syncedAt,
      });
    });

    it('reads the regions another backend instance synced since, not those it read before', async () => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      const reader = await DatabaseRegionsStore.create({ database });
      const writer = await DatabaseRegionsStore.create({ database });
      await writer.replaceSnapshot({
        regions: [region('a')],
        conflicts: [],
        syncedAt: new Date('2026-11-01T12:00:00Z'),
      });
      expect((await reader.getSnapshot()).regions).toEqual([region('a')]);

      await writer.replaceSnapshot({
        regions: [region('a', { type: 'global-hub' }), region('b')],
        conflicts: [overlap],
        syncedAt: new Date('2026-11-01T12:00:15Z'),
      });

      await expect(reader.getSnapshot()).resolves.toEqual({
        regions: [region('a', { type: 'global-hub' }), region('b')],
        conflicts: [overlap],
        syncedAt: new Date('2026-11-01T12:00:15Z'),
      });
    });

    it('finds one region with only the conflicts that name it', async () => {
      const store = await createStore();
      const hubCycle: RegionConflict = {
        type: 'hub-cycle',
        regions: ['region:default/c'],
        field: 'spec.hub',
        message: 'c is its own hub',
      };
      await store.replaceSnapshot({
        regions: [region('a'), region('b'), region('c')],
        conflicts: [overlap, hubCycle],
        syncedAt: new Date('2026-11-01T12:00:00Z'),
      });

      await expect(store.getRegion('region:default/c')).resolves.toEqual({
        region: region('c'),
        conflicts: [hubCycle],
        syncedAt: new Date('2026-11-01T12:00:00Z'),
      });
      await expect(
        store.getRegion('region:default/missing'),
      ).resolves.toBeUndefined();
    });
  });
});
