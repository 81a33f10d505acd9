/*
 * The first command's stack (scripts/start.sh) in its end-to-end test
 * (playwright.demo.config.ts): where it listens (ports of its own, so that it
 * runs beside a portal already started) and what a newcomer reads or runs
 * beside the browser: dig, psql, scripts/lib/demo-services.sh.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Page } from '@playwright/test';
import { Client } from 'pg';

export const DEMO_PORTS = {
  app: 3931,
  backend: 7931,
  dns: 5954,
  pdnsApi: 8981,
  usEast: 25932,
  usWest: 25933,
  studioPrimary: 25934,
  studioSul: 25935,
  prometheus: 29990,
  opencost: 29903,
  exporters: [29987, 29988],
};

export const demoBackendUrl = `http://localhost:${DEMO_PORTS.backend}`;

/** $MERIDIAN_DEMO_DIR of the run: the postgres OS user must reach it. */
export const DEMO_DIR = '/tmp/meridian-demo-e2e';

/** api.meridian.test.'s address for each region (app-config.demo.yaml). */
export const DEMO_ADDRESSES = {
  'us-east': '10.48.0.10',
  'us-west': '10.49.0.10',
};

export type DemoNode = keyof typeof DEMO_ADDRESSES;

const run = promisify(execFile);

/** What `dig @127.0.0.1 -p <dns> api.meridian.test +short` answers. */
export async function digApi(): Promise<string> {
  const { stdout } = await run('dig', [
    '+short',
    '@127.0.0.1',
    '-p',
    String(DEMO_PORTS.dns),
    'api.meridian.test',
    'A',
  ]);
  return stdout.trim();
}

/** The guest sign-in of app-config.yaml ("Enter"), until the sidebar shows. */
export async function enterAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Regions', exact: true })
    .waitFor();
}

/** The superuser's password, from the secrets.env start.sh generated. */
function superuserPassword(): string {
  const secrets = fs.readFileSync(path.join(DEMO_DIR, 'secrets.env'), 'utf8');
  const match = secrets.match(/^export MERIDIAN_DEMO_PG_PASSWORD=(\S+)$/m);
  if (!match) {
    throw new Error(`no MERIDIAN_DEMO_PG_PASSWORD in ${DEMO_DIR}/secrets.env`);
  }
  return match[1];
}

async function onNode<T>(
  node: DemoNode,
  query: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({
    host: '127.0.0.1',
    port: node === 'us-east' ? DEMO_PORTS.usEast : DEMO_PORTS.usWest,
    user: 'postgres',
    password: superuserPassword(),
    database: 'postgres',
  });
  await client.connect();
  try {
    return await query(client);
  } finally {
    await client.end();
  }
}

/**
 * What the node says of itself: `standby` in recovery, else `primary`, and
 * whether it took an INSERT into the demo's orders table (`inserted`) or the
 * error it answered (a fenced primary: a read-only transaction).
 */
export async function nodeState(
  node: DemoNode,
): Promise<{ role: 'primary' | 'standby'; insert: string }> {
  return onNode(node, async client => {
    const { rows } = await client.query(
      'SELECT pg_is_in_recovery() AS in_recovery',
    );
    const insert = await client.query('INSERT INTO orders DEFAULT VALUES').then(
      () => 'inserted',
      (error: Error) => error.message,
    );
    return { role: rows[0].in_recovery ? 'standby' : 'primary', insert };
  });
}

/**
 * `scripts/lib/demo-services.sh reattach <node>`, the demo's failback
 * runbook: the fenced old primary becomes a standby of the new one.
 * Answers what it printed.
 */
export async function reattach(node: DemoNode): Promise<string> {
  const script = path.resolve(
    __dirname,
    '../../../scripts/lib/demo-services.sh',
  );
  const { stderr } = await run(script, ['reattach', node], {
    env: { ...process.env, MERIDIAN_DEMO_DIR: DEMO_DIR },
    timeout: 120_000,
  });
  return stderr;
}
