import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { FailoverRun } from '@meridian/plugin-regions-common';
import request from 'supertest';
import {
  region,
  US_EAST as EAST,
  US_WEST as WEST,
} from '../../__testUtils__/region';
import { regionsPlugin } from '../../plugin';
import { eastWestDatabases } from '../../__testUtils__/labPair';
import { PostgresPair, startPostgresPair } from '../../testing/postgresLab';
import {
  applicationWrite,
  writtenByTheApplication,
  createFailoverStack,
  inRecovery,
  labDatabases,
} from '../testing/failoverStack';

/*
 * Whatever an entity says is untrusted: a target that belongs to another
 * cluster, and Region entities that a user registers naming another team's
 * database and traffic switch. Each is refused and nothing changes on the
 * nodes; the rogue regions show the conflict.
 */

jest.setTimeout(180_000);

const TEAM = 'user:default/priya.nair';
const ROGUE = 'user:default/mallory';

const annotated = (
  name: string,
  owner: string,
  database: string,
  source?: string,
) =>
  region(
    name,
    {
      type: 'global-hub',
      owner,
      replication: source
        ? { role: 'warm-standby', source }
        : { role: 'primary' },
    },
    {
      annotations: {
        'meridian.dev/database': database,
        'meridian.dev/traffic': 'api-dns',
      },
    },
  );

describe('hostile input', () => {
  const sqlite = TestDatabases.create({ ids: ['SQLITE_3'] });
  let pair: PostgresPair;
  beforeAll(async () => {
    pair = await startPostgresPair({ names: ['east', 'west'] });
    await writtenByTheApplication(pair.primary);
  });
  afterAll(async () => {
    await pair?.stop();
  });

  it('refuses a target of another cluster, bound in config to the target region, even forced', async () => {
    const other = await startPostgresPair({ names: ['other1', 'other2'] });
    try {
      const env = await createFailoverStack({
        knex: await sqlite.init('SQLITE_3'),
        regions: [
          annotated('us-east', TEAM, 'us-east-db'),
          annotated('us-west', TEAM, 'us-west-db', EAST),
        ],
        config: {
          regions: {
            databases: labDatabases({
              'us-east-db': { node: pair.primary, region: EAST },
              // a standby, but of an unrelated cluster
              'us-west-db': { node: other.standby, region: WEST },
            }),
          },
        },
      });

      const run = await env.run({
        region: EAST,
        target: WEST,
        mode: 'switchover',
        force: true,
      });

      expect(run.status).toBe('refused');
      expect(run.preflight.find(c => c.id === 'topology')).toEqual({
        id: 'topology',
        title: 'Target replicates from the region',
        passed: false,
        forcible: false,
        detail: expect.stringMatching(
          /^us-west-db belongs to another cluster: system identifier \d+, us-east-db's is \d+ \(now\)$/,
        ),
      });
      expect(await inRecovery(other.standby)).toBe(true);
      expect(await applicationWrite(pair.primary)).toBe('committed');
      await env.close();
    } finally {
      await other.stop();
    }
  });

  describe('Region entities naming another team’s database and traffic switch', () => {
    const databases = TestDatabases.create({
      ids: ['POSTGRES_15', 'SQLITE_3'],
    });

    it.each(databases.eachSupportedId())(
      'are refused by the pre-flight, observed by no collector, and shown as conflicts, %p',
      async databaseId => {
        const scheduler = mockServices.scheduler.mock();
        const entities = [
          annotated('us-east', 'group:default/payments', 'us-east-db'),
          annotated('us-west', 'group:default/payments', 'us-west-db', EAST),
          // registered by someone else, naming the payments team's nodes and switch
          annotated('rogue-east', ROGUE, 'us-east-db'),
          annotated(
            'rogue-west',
            ROGUE,
            'us-west-db',
            'region:default/rogue-east',
          ),
        ];
        // the rogue owns the rogue regions, and may fail them over
        const permissions = mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(query => ({
              result: String(
                (query as { resourceRef?: string }).resourceRef,
              ).includes('rogue')
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
            })),
        });
        const { server } = await startTestBackend({
          features: [
            regionsPlugin,
            mockServices.database.factory({
              knex: await databases.init(databaseId),
            }),
            catalogServiceMock.factory({ entities }),
            mockServices.rootConfig.factory({
              data: {
                regions: {
                  databases: eastWestDatabases(pair),
                  traffic: {
                    'api-dns': {
                      driver: 'powerdns',
                      url: 'http://127.0.0.1:9',
                      apiKey: 'k',
                      zone: 'meridian.test.',
                      record: 'api.meridian.test.',
                      addresses: { [EAST]: '10.48.0.10', [WEST]: '10.49.0.10' },
                    },
                  },
                },
              },
            }),
            scheduler.factory,
            permissions.factory,
          ],
        });
        const task = (id: string) =>
          scheduler.scheduleTask.mock.calls.find(([t]) => t.id === id)![0];
        await task('regions-catalog-sync').fn(new AbortController().signal);
        await task('regions-replication-collector').fn(
          new AbortController().signal,
        );
        const as = (user: string) => mockCredentials.user.header(user);
        const get = (path: string) =>
          request(server)
            .get(`/api/regions${path}`)
            .set('Authorization', as(ROGUE));

        const started = await request(server)
          .post('/api/regions/failovers')
          .set('Authorization', as(ROGUE))
          .send({
            region: 'region:default/rogue-east',
            target: 'region:default/rogue-west',
            mode: 'switchover',
            force: true,
          });
        expect(started.status).toBe(202);
        let run: FailoverRun;
        do {
          run = (await get(`/failovers/${started.body.id}`)).body;
        } while (['pending', 'running'].includes(run.status));

        expect(run.status).toBe('refused');
        expect(
          run.preflight.filter(c => !c.passed).map(c => [c.id, c.detail]),
        ).toEqual([
          [
            'source-database',
            'region:default/rogue-east names database us-east-db, which config binds to region:default/us-east (regions.databases.us-east-db.regions)',
          ],
          [
            'target-database',
            'region:default/rogue-west names database us-west-db, which config binds to region:default/us-west (regions.databases.us-west-db.regions)',
          ],
          [
            'traffic',
            'regions.traffic.api-dns does not serve region:default/rogue-east and region:default/rogue-west (its addresses are keyed by region ref)',
          ],
          // overridden by force, unlike the three above
          ['readiness', 'region:default/rogue-west scores 5.6 < threshold 94'],
        ]);
        // nothing changed on the payments team's nodes
        expect(await inRecovery(pair.standby)).toBe(true);
        expect(await applicationWrite(pair.primary)).toBe('committed');

        // no collector observed the rogue regions through those nodes
        const replication = (
          await get('/regions/default/rogue-east/replication')
        ).body;
        expect(replication).toMatchObject({
          status: 'unknown',
          reason:
            'region:default/rogue-east names database us-east-db, which config binds to region:default/us-east (regions.databases.us-east-db.regions)',
          replicas: [],
        });
        expect(
          (await get('/regions/default/us-east/replication')).body.status,
        ).not.toBe('unknown');

        // the rogue regions carry the conflicts, the bound ones do not
        const summary = (await get('/regions/default/rogue-east')).body;
        expect(summary.conflicts.map((c: { type: string }) => c.type)).toEqual([
          'database-binding',
          'traffic-binding',
        ]);
        expect((await get('/regions/default/us-east')).body.conflicts).toEqual(
          [],
        );
      },
    );
  });
});
