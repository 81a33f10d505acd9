import { TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader, JsonObject } from '@backstage/config';
import { setupServer } from 'msw/node';
import { fakeGithubRepo } from '../__testUtils__/fakeGithubRepo';
import { region, US_EAST as EAST } from '../__testUtils__/region';
import {
  allowOnlyUsers,
  recordingAuditor,
  startRegionsTestBackend,
} from '../__testUtils__/regionsBackend';
import { useLabPair, eastWestDatabases } from '../__testUtils__/labPair';
import { CATALOG_SYNC_TASK_ID } from '../catalog/syncRegionsFromCatalog';
import { REPLICATION_COLLECTOR_TASK_ID } from '../collectors/replication/ReplicationCollector';
import { DriftPullRequests } from './driftPullRequest';

/*
 * The drift fix of a region defined in a GitHub repository, through the
 * plugin as the backend wires it against GitHub's REST API (msw): the pull
 * request changing only the Region's replication in its file, GitHub's
 * refusals as errors naming the repository, and the YAML answer where no
 * GitHub integration has credentials for the file's host.
 */

jest.setTimeout(120_000);

const OWNER = 'user:default/priya.nair';
const STRANGER = 'user:default/lucas.lima';
const TOKEN = 'ghp_meridianDriftFixTestToken0000000000';
const FILE = 'catalog/regions.yaml';
const FILE_URL = `https://github.com/acme/platform-catalog/blob/main/${FILE}`;

/** The catalog file: us-east, and us-west declared primary though it was never promoted. */
const REGIONS_YAML = `# Regions of the platform team. Reviewed by SRE.
apiVersion: meridian.dev/v1alpha1
kind: Region
metadata:
  name: us-east
  annotations:
    meridian.dev/database: us-east-db
spec:
  type: edge
  lifecycle: production
  owner: group:default/sre
  replication: { role: primary, mode: streaming }
---
# us-west stays a standby until the drill says otherwise
apiVersion: meridian.dev/v1alpha1
kind: Region
metadata:
  name: us-west
  annotations:
    meridian.dev/database: us-west-db   # the lab's standby
spec:
  type: edge
  lifecycle: production
  owner: group:default/sre
  replication:
    role: primary # set by hand in the 2026 drill
    mode: streaming
`;

/** Where the catalog read the entity from, and what its author wrote. */
const locatedAt = (
  location: string,
  authored: Record<string, string> = {},
) => ({
  ...authored,
  'backstage.io/managed-by-location': location,
});
const usEast = region(
  'us-east',
  { replication: { role: 'primary', mode: 'streaming' } },
  {
    annotations: {
      'meridian.dev/database': 'us-east-db',
      ...locatedAt(`url:${FILE_URL}`),
    },
  },
);
const usWestIn = (location: string, authored?: Record<string, string>) =>
  region(
    'us-west',
    { replication: { role: 'primary', mode: 'streaming' } },
    {
      annotations: {
        'meridian.dev/database': 'us-west-db',
        ...locatedAt(location, authored),
      },
    },
  );

describe('drift fix by pull request', () => {
  const server = setupServer();
  // supertest's requests to the backend pass; any other host must be handled
  beforeAll(() =>
    server.listen({
      onUnhandledRequest: (req, print) => {
        if (new URL(req.url).hostname !== '127.0.0.1') {
          print.error();
        }
      },
    }),
  );
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const lab = useLabPair();

  async function setUp(options: {
    location?: string;
    authored?: Record<string, string>;
    integrations?: JsonObject;
  }) {
    const repo = fakeGithubRepo({
      owner: 'acme',
      repo: 'platform-catalog',
      token: TOKEN,
      branch: 'main',
      files: { [FILE]: REGIONS_YAML },
    });
    server.use(...repo.handlers);
    const { auditor, auditEvent } = recordingAuditor();
    const permissions = allowOnlyUsers([OWNER]);
    const { runTask, get, post } = await startRegionsTestBackend({
      knex: await databases.init('SQLITE_3'),
      entities: [
        usEast,
        usWestIn(options.location ?? `url:${FILE_URL}`, options.authored),
      ],
      config: {
        ...(options.integrations ? { integrations: options.integrations } : {}),
        regions: { databases: eastWestDatabases(lab()) },
      },
      features: [auditor.factory, permissions.factory],
    });
    await runTask(CATALOG_SYNC_TASK_ID);
    await runTask(REPLICATION_COLLECTOR_TASK_ID);
    const as = (user: string) => ({
      fix: () => post('/regions/default/us-west/drift/fix', {}, user),
      drift: async () =>
        (await get('/regions/default/us-west/replication', user)).body.drift,
    });
    return { repo, auditEvent, ...as(OWNER), stranger: as(STRANGER) };
  }

  const withToken = { github: [{ host: 'github.com', token: TOKEN }] };

  it('opens a pull request changing only the replication of the region in its file', async () => {
    const { repo, fix, drift, stranger, auditEvent } = await setUp({
      integrations: withToken,
    });
    expect(await drift()).toMatchObject({
      declared: 'primary',
      observed: 'standby',
      fix: { landed: false, pullRequest: true },
    });
    expect((await stranger.fix()).status).toBe(403);
    expect(repo.pullRequests).toEqual([]);

    const fixed = await fix();
    expect([fixed.status, fixed.body]).toEqual([
      201,
      {
        pullRequest: {
          url: 'https://github.com/acme/platform-catalog/pull/42',
          number: 42,
        },
      },
    ]);
    const [pullRequest] = repo.pullRequests;
    expect(pullRequest).toEqual({
      number: 42,
      head: expect.stringMatching(/^meridian\/drift-us-west-[0-9a-f]{8}$/),
      base: 'main',
      title:
        'region:default/us-west: declare warm-standby as its node says (standby)',
      body: [
        'The database node of `region:default/us-west` says something else than its entity declares: declared primary, standby.',
        '',
        'This changes only `spec.replication` of the Region in `catalog/regions.yaml`, to what the nodes say:',
        '',
        '```yaml',
        'spec:',
        '  replication:',
        '    role: warm-standby',
        '    mode: streaming',
        '    source: region:default/us-east',
        '```',
        '',
        "Opened by Meridian's drift fix for `user:default/priya.nair`.",
      ].join('\n'),
    });
    expect(repo.file(pullRequest.head, FILE)).toBe(
      REGIONS_YAML.replace(
        '    role: primary # set by hand in the 2026 drill\n    mode: streaming\n',
        '    role: warm-standby # set by hand in the 2026 drill\n    mode: streaming\n    source: region:default/us-east\n',
      ),
    );
    expect(repo.file('main', FILE)).toBe(REGIONS_YAML);
    expect(auditEvent.success).toHaveBeenCalledWith({
      meta: {
        drift: 'declared primary, standby',
        pullRequest: 'https://github.com/acme/platform-catalog/pull/42',
      },
    });
    expect(JSON.stringify(fixed.body)).not.toContain(TOKEN);
  });

  it("turns GitHub's refusals into errors naming the repository, the step and the status", async () => {
    const { repo, fix, auditEvent } = await setUp({ integrations: withToken });
    repo.refuse('GET contents', 404, 'Not Found');
    const missing = await fix();
    expect([missing.status, missing.body.error.message]).toEqual([
      502,
      'GitHub answered 404 (Not Found) to read catalog/regions.yaml at main in github.com/acme/platform-catalog',
    ]);

    server.resetHandlers();
    const readOnly = await setUp({ integrations: withToken });
    readOnly.repo.refuse(
      'POST refs',
      403,
      'Resource not accessible by personal access token',
    );
    const refused = await readOnly.fix();
    expect([refused.status, refused.body.error.message]).toEqual([
      502,
      expect.stringMatching(
        /^GitHub answered 403 \(Resource not accessible by personal access token\) to create branch meridian\/drift-us-west-[0-9a-f]{8} in github\.com\/acme\/platform-catalog$/,
      ),
    ]);
    expect(readOnly.repo.branches()).toEqual(['main']);
    expect(readOnly.repo.pullRequests).toEqual([]);
    expect(JSON.stringify([missing.body, refused.body])).not.toContain(TOKEN);
    expect(auditEvent.fail).toHaveBeenCalled();
  });

  it('answers the YAML to change where no GitHub integration has credentials for the file', async () => {
    const cases = [
      // github.com is always an integration, but without a token it cannot push
      { integrations: undefined, location: `url:${FILE_URL}` },
      {
        integrations: withToken,
        location: `url:https://gitlab.com/acme/platform-catalog/-/blob/main/${FILE}`,
      },
      // an edit-url the entity's author wrote does not outweigh where the catalog read it
      {
        integrations: withToken,
        location: `file:/srv/catalog/${FILE}`,
        authored: {
          'backstage.io/edit-url': FILE_URL.replace('/blob/', '/edit/'),
        },
      },
    ];
    for (const { integrations, location, authored } of cases) {
      server.resetHandlers();
      const { repo, fix, drift } = await setUp({
        integrations,
        location,
        authored,
      });
      expect((await drift()).fix).toEqual({
        landed: false,
        yaml: 'spec:\n  replication:\n    role: warm-standby\n    mode: streaming\n    source: region:default/us-east\n',
      });
      const answer = await fix();
      expect([answer.status, answer.body.error.message]).toEqual([
        409,
        `region:default/us-west is not a region landed by the provisioning template: change its entity where it is defined, to:\nspec:\n  replication:\n    role: warm-standby\n    mode: streaming\n    source: ${EAST}\n`,
      ]);
      expect(repo.pullRequests).toEqual([]);
    }
  });
});

describe('DriftPullRequests.locate', () => {
  const pullRequests = DriftPullRequests.fromConfig(
    new ConfigReader({
      integrations: {
        github: [
          { host: 'github.com', token: TOKEN },
          { host: 'ghe.acme.dev', apiBaseUrl: 'https://ghe.acme.dev/api/v3' },
        ],
      },
    }),
  );
  const locate = (annotations: Record<string, string>) => {
    const file = pullRequests.locate(region('us-west', {}, { annotations }));
    return file && { ...file, integration: file.integration.config.host };
  };

  it("finds the file in the catalog's location, else in the author's edit-url or source-location", () => {
    const inCatalog = {
      integration: 'github.com',
      owner: 'acme',
      repo: 'platform-catalog',
      branch: 'main',
      path: FILE,
    };
    expect(locate(locatedAt(`url:${FILE_URL}`))).toEqual(inCatalog);
    expect(
      locate({ 'backstage.io/edit-url': FILE_URL.replace('/blob/', '/edit/') }),
    ).toEqual(inCatalog);
    expect(
      locate({
        'backstage.io/source-location': `url:https://github.com/acme/platform-catalog/blob/release%2F2026/regions/us%20west.yml`,
      }),
    ).toEqual({
      ...inCatalog,
      branch: 'release/2026',
      path: 'regions/us west.yml',
    });
  });

  it('finds none for a directory, a host without credentials, or another kind of location', () => {
    for (const location of [
      'url:https://github.com/acme/platform-catalog/tree/main/catalog/',
      `url:https://ghe.acme.dev/acme/platform-catalog/blob/main/${FILE}`,
      `url:https://gitlab.com/acme/platform-catalog/-/blob/main/${FILE}`,
      `file:/srv/catalog/${FILE}`,
      'not a location',
    ]) {
      expect(locate(locatedAt(location))).toBeUndefined();
    }
  });
});
