import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { ensurePrimary, resolveRecord, roles } from './pair';
import { E2E_ADDRESSES, signInAsGuest } from './stack';

// a page of the dev build loads slowly on a loaded machine
test.describe.configure({ timeout: 300_000 });

/*
 * The "Run a failover" template tried out in the scaffolder's template
 * editor: its directory opened in the browser (showDirectoryPicker answers a
 * directory holding the repository's own template.yaml), the form filled in,
 * and the dry run
 * started from the form. The real pair and DNS are read before and after:
 * a dry run changes nothing.
 */

const TEMPLATE = fs.readFileSync(
  path.resolve(
    __dirname,
    '../../../examples/templates/run-failover/template.yaml',
  ),
  'utf8',
);

test('a dry run of "Run a failover" from the template editor runs the pre-flight only: the databases and DNS are as before', async ({
  page,
  request,
}) => {
  // the template offers only declared standbys as targets: us-west, of us-east
  await ensurePrimary(request, 'us-east');
  const rolesBefore = await roles();
  const dnsBefore = await resolveRecord();
  expect(rolesBefore).toEqual({ 'us-east': 'primary', 'us-west': 'standby' });
  expect(dnsBefore).toEqual([E2E_ADDRESSES['us-east']]);

  // The editor's "Load Template Directory" gets a real directory handle: one
  // of the browser's origin-private file system, holding the repository's
  // template (the editor keeps the handle in IndexedDB, so it must be real).
  await page.addInitScript((content: string) => {
    (window as any).showDirectoryPicker = async () => {
      const root = await navigator.storage.getDirectory();
      const directory = await root.getDirectoryHandle('run-failover', {
        create: true,
      });
      const file = await directory.getFileHandle('template.yaml', {
        create: true,
      });
      const writable = await (file as any).createWritable();
      await writable.write(content);
      await writable.close();
      return directory;
    };
  }, TEMPLATE);

  await signInAsGuest(page, '/create/edit');
  await page.getByText('Load Template Directory', { exact: true }).click();

  // the form of the template, rendered by the editor
  await page.getByRole('textbox', { name: 'Region' }).fill('US East');
  await page
    .getByRole('option')
    .filter({ hasText: 'US East (Virginia)' })
    .first()
    .click();
  await page
    .getByRole('textbox', { name: 'Standby to promote' })
    .fill('US West');
  await page
    .getByRole('option')
    .filter({ hasText: 'US West (Oregon)' })
    .first()
    .click();
  await page.getByRole('radio', { name: /^Switchover \(planned\): / }).check();
  // past the readiness gate (a standby watched for minutes is not proven
  // ready): the checks that keep the data safe still run
  await page.getByRole('checkbox', { name: 'Force' }).check();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  // the dry run's result, with the action's own log
  await expect(
    page.getByText('Dry-run results', { exact: true }),
  ).toBeVisible();
  await page.getByRole('tab', { name: 'Log' }).click();
  // the log viewer renders the lines in view: its search brings a line up
  const logLine = async (text: string) => {
    await page.getByPlaceholder('Search').fill(text);
    await expect(page.getByText(text).first()).toBeVisible();
  };
  await logLine(
    'Dry run: starting switchover of region:default/us-east to region:default/us-west with dryRun: true — only the pre-flight checks run, nothing is fenced, promoted or switched.',
  );
  await logLine('pre-flight passed: Target is a healthy standby');
  // the readiness gate, forced: it fails for a standby watched for minutes
  // and passes once failovers in this stack proved it
  await logLine(': Target is production-ready');
  await logLine(
    'Pre-flight passed: a switchover of region:default/us-east to region:default/us-west could run now. Nothing was changed.',
  );

  // nothing was fenced, promoted or switched
  expect(await roles()).toEqual(rolesBefore);
  expect(await resolveRecord()).toEqual(dnsBefore);
});
