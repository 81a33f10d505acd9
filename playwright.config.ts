import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests: the real backend and frontend dev servers, driven through
 * Debian's Chromium (Playwright's own browser downloads cannot run here).
 */
export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  // the first command's own stack: playwright.demo.config.ts
  testIgnore: 'demo.test.ts',
  timeout: 120_000,
  expect: { timeout: 45_000 },
  forbidOnly: !!process.env.CI,
  // no retries: a test that fails once has failed (scripts/lib/summarize-results.js)
  retries: 0,
  workers: 1,
  reporter: [
    ['list'],
    ['json', { outputFile: 'node_modules/.cache/e2e-results.json' }],
  ],
  outputDir: 'node_modules/.cache/e2e-test-results',

  webServer: [
    {
      // the backend on a real PostgreSQL primary and standby (see scripts/e2e-backend.ts)
      command:
        'node --require @backstage/cli/config/nodeTransform.cjs scripts/e2e-backend.ts',
      url: 'http://localhost:7007/.backstage/health/v1/readiness',
      reuseExistingServer: !process.env.CI,
      timeout: 240_000,
      stdout: 'ignore',
      stderr: 'pipe',
      // SIGTERM lets scripts/e2e-backend.ts stop the backend and its databases
      gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
    },
    {
      // the app-config.e2e.yaml sign-in, read by the frontend too
      command:
        'yarn start app --config ../../app-config.yaml --config e2e-tests/app-config.e2e.yaml',
      url: 'http://localhost:3000',
      reuseExistingServer: !process.env.CI,
      timeout: 240_000,
    },
  ],

  use: {
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://localhost:3000',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
