import fs from 'node:fs';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { parseEntityYaml } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ReadinessResponse } from '@meridian/plugin-regions-common';
import request from 'supertest';
import { regionsPlugin } from '../plugin';

jest.setTimeout(60_000);

const examplesDir = path.resolve(__dirname, '../../../../examples');

// Parsed the way the catalog reads a file location; the template's skeleton
// is scaffolder input, not catalog data.
function loadExamples(): Entity[] {
  const files = [
    path.join(examplesDir, 'entities.yaml'),
    path.join(examplesDir, 'org.yaml'),
    ...fs
      .readdirSync(path.join(examplesDir, 'regions'))
      .map(name => path.join(examplesDir, 'regions', name)),
  ];
  return files.flatMap(file =>
    Array.from(
      parseEntityYaml(fs.readFileSync(file), { type: 'file', target: file }),
    ).flatMap(result => (result.type === 'entity' ? [result.entity] : [])),
  );
}

describe('readiness of the example regions', () => {
  it('scores each region by the facts its entity and the catalog hold', async () => {
    const scheduler = mockServices.scheduler.mock();
    const { server } = await startTestBackend({
      features: [
        regionsPlugin,
        mockServices.database.factory(),
        catalogServiceMock.factory({ entities: loadExamples() }),
        mockServices.rootConfig.factory({ data: {} }),
        scheduler.factory,
      ],
    });
    const run = (id: string) =>
      scheduler.scheduleTask.mock.calls
        .find(([task]) => task.id === id)![0]
        .fn(new AbortController().signal);
    await run('regions-catalog-sync');
    await run('regions-readiness-evaluation');

    const readinessOf = async (name: string): Promise<ReadinessResponse> =>
      (
        await request(server)
          .get(`/api/regions/regions/default/${name}/readiness`)
          .set('Authorization', mockCredentials.user.header())
      ).body;
    const results = async (name: string) =>
      Object.fromEntries(
        (await readinessOf(name)).categories.flatMap(c =>
          c.checks.map(check => [check.id, check.result]),
        ),
      );

    // No example region is observed by a replication source here (no
    // regions.databases), no failover plan is validated, and no failover has
    // run, so no drill proves an RTO; the
    // active-passive pair and the São Paulo hub with its Porto Alegre spoke
    // point at the Meridian system's runbooks (backstage.io/techdocs-entity),
    // the others have none. Everything else is declared: hub links, latency and
    // availability targets, hosted software, known owners, residency.
    const everywhere = {
      'catalog-valid': 'passed',
      'hub-and-latency-targets': 'passed',
      'availability-target': 'passed',
      'components-deployed': 'passed',
      'owner-known': 'passed',
      'residency-respected': 'passed',
      runbook: 'failed',
    };
    const withRunbooks = { runbook: 'passed' };
    const brazilOrEu = { 'residency-declared': 'passed' };
    const observedStandby = {
      'replication-observed': 'failed',
      'dr-plan-declared': 'passed',
      'lag-within-rpo': 'unknown',
      'recent-drill': 'failed',
      'failover-plan-validated': 'unknown',
    };
    const replicatedPrimary = {
      'replication-observed': 'failed',
      'dr-plan-declared': 'passed',
      'failover-plan-validated': 'unknown',
    };
    const backupStandby = {
      'dr-plan-declared': 'passed',
      'recent-drill': 'failed',
    };
    const expected: Record<string, [number, Record<string, string>]> = {
      // six categories of equal weight; Observability and Backup & DR lose
      // half: (100 + 50 + 100 + 100 + 50 + 100) / 6
      'studio-primary': [
        83.3,
        { ...everywhere, ...brazilOrEu, ...replicatedPrimary, ...withRunbooks },
      ],
      'us-east': [
        83.3,
        { ...everywhere, ...replicatedPrimary, ...withRunbooks },
      ],
      // and without runbooks Documentation all: (100 + 50 + 100 + 100 + 50 + 0) / 6
      'us-east-1': [66.7, { ...everywhere, ...replicatedPrimary }],
      // Backup & DR 1 of 4: (100 + 50 + 100 + 100 + 25 + 100) / 6
      'studio-sul': [
        79.2,
        { ...everywhere, ...brazilOrEu, ...observedStandby, ...withRunbooks },
      ],
      'us-west': [79.2, { ...everywhere, ...observedStandby, ...withRunbooks }],
      // the logical standby: scored like the streaming one
      'studio-rj': [
        79.2,
        { ...everywhere, ...brazilOrEu, ...observedStandby, ...withRunbooks },
      ],
      // and without runbooks: (100 + 50 + 100 + 100 + 25 + 0) / 6
      'studio-co': [62.5, { ...everywhere, ...brazilOrEu, ...observedStandby }],
      // backups are not observed; no drill proves an RTO: (5 × 100 + 50 + 0) / 6
      'studio-ne': [75, { ...everywhere, ...brazilOrEu, ...backupStandby }],
      'sa-east-1': [75, { ...everywhere, ...brazilOrEu, ...backupStandby }],
      // no standby holds their data: (4 × 100 + 0 + 0) / 6
      'studio-n': [
        66.7,
        { ...everywhere, ...brazilOrEu, 'dr-plan-declared': 'failed' },
      ],
      'ap-southeast-1': [66.7, { ...everywhere, 'dr-plan-declared': 'failed' }],
      // tier-3 edges: no standby holds their data: (4 × 100 + 0 + 0) / 6
      'studio-pi': [
        66.7,
        { ...everywhere, ...brazilOrEu, 'dr-plan-declared': 'failed' },
      ],
      'studio-iot': [
        66.7,
        { ...everywhere, ...brazilOrEu, 'dr-plan-declared': 'failed' },
      ],
      // a primary no region replicates from: (100 + 50 + 100 + 100 + 0 + 0) / 6
      'eu-west-1': [
        58.3,
        {
          ...everywhere,
          ...brazilOrEu,
          'replication-observed': 'failed',
          'dr-plan-declared': 'failed',
          'failover-plan-validated': 'unknown',
        },
      ],
    };

    for (const [name, [score, checks]] of Object.entries(expected)) {
      const readiness = await readinessOf(name);
      expect([name, await results(name)]).toEqual([name, checks]);
      expect([name, readiness.score, readiness.ready]).toEqual([
        name,
        score,
        false,
      ]);
      expect([name, await results(name)]).toEqual([name, checks]);
    }

    const topology = await request(server)
      .get('/api/regions/topology')
      .set('Authorization', mockCredentials.user.header());
    expect(
      Object.fromEntries(
        topology.body.regions.map((r: any) => [r.name, r.readiness.score]),
      ),
    ).toEqual(
      Object.fromEntries(
        Object.entries(expected).map(([name, [score]]) => [name, score]),
      ),
    );
  });
});
