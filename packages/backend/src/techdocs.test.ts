import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { TechdocsGenerator } from '@backstage/plugin-techdocs-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as winston from 'winston';
import yaml from 'yaml';

/*
 * The portal builds the repository's own TechDocs (the failover runbooks) with
 * its app-config.yaml techdocs settings: the local mkdocs from Debian's
 * packages, without the techdocs-core plugin. This runs TechDocs' generator
 * exactly as the techdocs backend does on docs/ and mkdocs.yml.
 */
const ROOT = path.resolve(__dirname, '../../..');

describe('the runbooks in TechDocs', () => {
  let workDir: string;

  beforeAll(async () => {
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'meridian-techdocs-'));
  });
  afterAll(async () => {
    await fs.rm(workDir, { recursive: true, force: true });
  });

  it('build with the portal configuration into pages the TechDocs reader can show', async () => {
    const appConfig = yaml.parse(
      await fs.readFile(path.join(ROOT, 'app-config.yaml'), 'utf8'),
    );
    // The generator rewrites mkdocs.yml in place, as it does in its own temp dir.
    const inputDir = path.join(workDir, 'input');
    const outputDir = path.join(workDir, 'output');
    await fs.mkdir(inputDir);
    await fs.copyFile(
      path.join(ROOT, 'mkdocs.yml'),
      path.join(inputDir, 'mkdocs.yml'),
    );
    await fs.cp(path.join(ROOT, 'docs'), path.join(inputDir, 'docs'), {
      recursive: true,
    });

    const logger = mockServices.logger.mock();
    const generator = TechdocsGenerator.fromConfig(
      new ConfigReader({ techdocs: appConfig.techdocs }),
      { logger },
    );
    // run() still takes a winston logger
    await generator.run({
      inputDir,
      outputDir,
      logger: winston.createLogger({
        transports: [new winston.transports.Console({ silent: true })],
      }),
    });

    for (const page of [
      'index.html',
      'runbooks/index.html',
      'runbooks/failover/index.html',
      'runbooks/switchover/index.html',
      'runbooks/failback/index.html',
      'runbooks/dr-drill/index.html',
    ]) {
      const html = await fs.readFile(path.join(outputDir, page), 'utf8');
      // The material layout the TechDocs reader extracts its content from.
      expect(html).toContain('class="md-content"');
    }
    const failback = await fs.readFile(
      path.join(outputDir, 'runbooks/failback/index.html'),
      'utf8',
    );
    // Code blocks are highlighted token by token: look at the headings.
    for (const heading of [
      '3-rewind',
      '4-make-it-a-standby-of-the-new-primary',
      'with-patroni',
    ]) {
      expect(failback).toContain(`<h2 id="${heading}"`);
    }

    // What the techdocs backend serves the reader alongside the pages.
    const metadata = JSON.parse(
      await fs.readFile(path.join(outputDir, 'techdocs_metadata.json'), 'utf8'),
    );
    expect(metadata.files).toEqual(
      expect.arrayContaining([
        'runbooks/failover/index.html',
        'search/search_index.json',
      ]),
    );
    // For a file location TechDocs builds in the repository itself and rewrites
    // mkdocs.yml in place: the committed file is already in the form it writes
    // (so the working tree stays clean), and techdocs-core, which is not
    // installed, was not added to it.
    expect(await fs.readFile(path.join(inputDir, 'mkdocs.yml'), 'utf8')).toBe(
      await fs.readFile(path.join(ROOT, 'mkdocs.yml'), 'utf8'),
    );
    expect(
      yaml.parse(await fs.readFile(path.join(ROOT, 'mkdocs.yml'), 'utf8'))
        .plugins,
    ).toEqual(['search']);
  });
});
