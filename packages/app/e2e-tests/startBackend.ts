/*
 * The backend of the end-to-end run, on real databases: a PostgreSQL primary
 * for the example region us-east with a streaming standby for us-west (the
 * test lab of regions-backend, on free loopback ports), then the backend with
 * `regions.databases` pointing at them through environment variables that
 * app-config.e2e.yaml reads. Playwright starts it as a web server and stops it
 * with SIGTERM; the lab stops with it.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs packages/app/e2e-tests/startBackend.ts
 */
import { spawn } from 'node:child_process';
import { startPostgresPair } from '../../../plugins/regions-backend/src/testing/postgresLab';

async function main() {
  const pair = await startPostgresPair({ names: ['us_east', 'us_west'] });
  console.log(
    `e2e: us-east-db on 127.0.0.1:${pair.primary.port}, us-west-db on 127.0.0.1:${pair.standby.port}`,
  );
  // --config paths are relative to packages/backend, where the backend runs
  const backend = spawn(
    'yarn',
    [
      'start',
      'backend',
      '--config',
      '../../app-config.yaml',
      '--config',
      '../../packages/app/e2e-tests/app-config.e2e.yaml',
    ],
    {
      stdio: 'inherit',
      detached: true,
      env: {
        ...process.env,
        MERIDIAN_E2E_US_EAST_DB: pair.primary.superuserConnectionString,
        MERIDIAN_E2E_US_WEST_DB: pair.standby.superuserConnectionString,
      },
    },
  );

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    try {
      process.kill(-backend.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    await pair.stop();
    process.exit(code);
  };
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
  backend.on('exit', code => stop(code ?? 1));
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
