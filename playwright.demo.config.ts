import { defineConfig } from '@playwright/test';
import { DEMO_DIR, DEMO_PORTS } from './packages/app/e2e-tests/demoStack';
import base from './playwright.config';

/**
 * The end-to-end test of the first command: `scripts/start.sh` itself (the
 * live demo: real PostgreSQL pair, PowerDNS, Prometheus, the demo OpenCost and
 * the portal on them), from fresh data, on ports of its own so that it runs
 * beside a portal already started; its tests run in order on that one stack
 * (the second switches over and fails back). Playwright stops it with SIGINT,
 * as Ctrl-C would.
 *
 *   yarn playwright test -c playwright.demo.config.ts
 */
export default defineConfig({
  ...base,
  testMatch: 'demo.test.ts',
  testIgnore: [],
  retries: 0,
  timeout: 300_000,
  reporter: [
    ['list'],
    ['json', { outputFile: 'node_modules/.cache/e2e-demo-results.json' }],
  ],
  outputDir: 'node_modules/.cache/e2e-demo-test-results',
  webServer: {
    command: './scripts/start.sh',
    env: {
      MERIDIAN_DEMO_DIR: DEMO_DIR,
      MERIDIAN_DEMO_CLEAN: '1',
      MERIDIAN_DEMO_APP_PORT: String(DEMO_PORTS.app),
      MERIDIAN_DEMO_BACKEND_PORT: String(DEMO_PORTS.backend),
      MERIDIAN_DEMO_DNS_PORT: String(DEMO_PORTS.dns),
      MERIDIAN_DEMO_PDNS_API_PORT: String(DEMO_PORTS.pdnsApi),
      MERIDIAN_DEMO_US_EAST_PORT: String(DEMO_PORTS.usEast),
      MERIDIAN_DEMO_US_WEST_PORT: String(DEMO_PORTS.usWest),
      MERIDIAN_DEMO_STUDIO_PRIMARY_PORT: String(DEMO_PORTS.studioPrimary),
      MERIDIAN_DEMO_STUDIO_SUL_PORT: String(DEMO_PORTS.studioSul),
      MERIDIAN_DEMO_PROMETHEUS_PORT: String(DEMO_PORTS.prometheus),
      MERIDIAN_DEMO_OPENCOST_PORT: String(DEMO_PORTS.opencost),
      MERIDIAN_DEMO_EXPORTER_PORTS: DEMO_PORTS.exporters.join(' '),
    },
    // the frontend answers last
    url: `http://localhost:${DEMO_PORTS.app}`,
    reuseExistingServer: false,
    timeout: 600_000,
    // start.sh's own lines and the portal's errors
    stdout: 'ignore',
    stderr: 'pipe',
    // Ctrl-C: start.sh stops the portal and every service it started
    gracefulShutdown: { signal: 'SIGINT', timeout: 90_000 },
  },
  use: { ...base.use, baseURL: `http://localhost:${DEMO_PORTS.app}` },
});
