import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { regionsPlugin } from './plugin';

/*
 * The repository's own configurations start the regions plugin: a key the
 * plugin refuses (a readiness weight for a check this configuration does not
 * run, a probe without a region) fails its startup, and then the first
 * command's backend never answers. Each file is read as the portal reads it,
 * later files over earlier ones, with its ${VARIABLES} given placeholder
 * values (no service needs to answer for the plugin to start).
 */

jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '../../..');

const CONFIGURATIONS: Record<string, string[]> = {
  'the catalog-only portal (start.sh --no-demo)': ['app-config.yaml'],
  'the live demo (start.sh)': ['app-config.yaml', 'app-config.demo.yaml'],
  'the e2e portal': [
    'app-config.yaml',
    'packages/app/e2e-tests/app-config.e2e.yaml',
  ],
};

/** A value of the kind the variable's name says, where nothing listens. */
function placeholder(name: string): string {
  if (name.endsWith('_PORT')) return '1';
  if (name.endsWith('_URL')) return 'http://127.0.0.1:1';
  if (name.endsWith('_DB')) return 'postgresql://postgres@127.0.0.1:1/postgres';
  return 'placeholder';
}

function readConfig(file: string): JsonObject {
  const text = readFileSync(resolve(ROOT, file), 'utf8').replace(
    /\$\{(\w+)\}/g,
    (_match, name: string) => placeholder(name),
  );
  return parse(text) ?? {};
}

/** Backstage's merge of config files: objects key by key, the rest replaced. */
function merge(base: JsonObject, over: JsonObject): JsonObject {
  const merged: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    merged[key] =
      isObject(current) && isObject(value) ? merge(current, value) : value;
  }
  return merged;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

describe("the repository's configurations", () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it.each(Object.entries(CONFIGURATIONS))(
    '%s starts the regions plugin',
    async (_name, files) => {
      const { backend: _backend, ...config } = files
        .map(readConfig)
        .reduce(merge, {});
      const backend = await startTestBackend({
        features: [
          regionsPlugin,
          mockServices.database.factory({
            knex: await databases.init('SQLITE_3'),
          }),
          catalogServiceMock.factory({ entities: [] }),
          mockServices.rootConfig.factory({ data: config }),
        ],
      });
      try {
        const res = await request(backend.server).get('/api/regions/topology');
        expect(res.status).toBe(200);
      } finally {
        await backend.stop();
      }
    },
  );
});
