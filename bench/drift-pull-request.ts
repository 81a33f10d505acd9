/*
 * Measures what the drift fix by pull request costs Meridian itself: the
 * rewrite of one Region's spec.replication in catalog files of 10, 100 and
 * 1000 Region documents (the last one changed), and the whole fix — read,
 * rewrite, branch, write, pull request — against GitHub's REST API served in
 * process by msw (GitHub's own latency is not in it). Prints p50 and p95.
 *
 * Run from the repository root:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/drift-pull-request.ts
 *
 * Environment: BENCH_RUNS (50).
 */
import { ConfigReader } from '@backstage/config';
import { RegionEntity, RoleDrift } from '@meridian/plugin-regions-common';
import { setupServer } from 'msw/node';
import { fakeGithubRepo } from '../plugins/regions-backend/src/__testUtils__/fakeGithubRepo';
import { DriftPullRequests } from '../plugins/regions-backend/src/service/driftPullRequest';
import { withReplication } from '../plugins/regions-backend/src/service/regionYaml';
import { percentile, RUNS, time } from './lib';

const TOKEN = 'ghp_benchToken';
const FILE = 'catalog/regions.yaml';
const STANDBY = {
  role: 'warm-standby',
  mode: 'streaming',
  source: 'region:default/region-0',
};

/** `count` Region documents, each with a comment, the last declared primary. */
function catalogFile(count: number): string {
  return Array.from(
    { length: count },
    (_, i) => `# region ${i}, reviewed by SRE
apiVersion: meridian.dev/v1alpha1
kind: Region
metadata:
  name: region-${i}
spec:
  type: edge
  owner: group:default/sre
  replication:
    role: ${i === count - 1 ? 'primary' : 'warm-standby'}   # as declared
    mode: streaming
`,
  ).join('---\n');
}

const report = (label: string, times: number[]) =>
  console.log(
    `${label.padEnd(48)} p50 ${percentile(times, 0.5)} ms  p95 ${percentile(
      times,
      0.95,
    )} ms`,
  );

async function main() {
  for (const count of [10, 100, 1000]) {
    const text = catalogFile(count);
    const last = {
      kind: 'Region',
      namespace: 'default',
      name: `region-${count - 1}`,
    };
    report(
      `rewrite in a file of ${count} Regions (${Math.round(
        text.length / 1024,
      )} KiB)`,
      await time(async () => withReplication(text, last, STANDBY, FILE)),
    );
  }

  const server = setupServer();
  server.listen({ onUnhandledRequest: 'error' });
  const count = 100;
  const name = `region-${count - 1}`;
  const region = {
    apiVersion: 'meridian.dev/v1alpha1',
    kind: 'Region',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': `url:https://github.com/acme/catalog/blob/main/${FILE}`,
      },
    },
    spec: { replication: { role: 'primary', mode: 'streaming' } },
  } as unknown as RegionEntity;
  const drift: RoleDrift = {
    declared: 'primary',
    observed: 'standby',
    message: 'declared primary, standby',
    fix: {
      landed: false,
      pullRequest: true,
      yaml: `spec:\n  replication:\n    role: warm-standby\n    mode: streaming\n    source: region:default/region-0\n`,
    },
  };
  const pullRequests = DriftPullRequests.fromConfig(
    new ConfigReader({
      integrations: { github: [{ host: 'github.com', token: TOKEN }] },
    }),
  );
  const file = pullRequests.locate(region)!;
  report(
    `fix by pull request, file of ${count} Regions (msw)`,
    await time(async () => {
      // a fresh repository each time: the file on main still declares primary
      server.resetHandlers(
        ...fakeGithubRepo({
          owner: 'acme',
          repo: 'catalog',
          token: TOKEN,
          branch: 'main',
          files: { [FILE]: catalogFile(count) },
        }).handlers,
      );
      await pullRequests.open({
        region,
        file,
        drift,
        user: 'user:default/bench',
      });
    }),
  );
  server.close();
  console.log(`(${RUNS} runs each after one warm-up)`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
