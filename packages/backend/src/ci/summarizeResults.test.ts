import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/*
 * scripts/lib/summarize-results.js prints the closing line of scripts/test.sh
 * (and so of CI). It runs here as CI runs it, a node process over report files.
 */

const script = path.resolve(
  __dirname,
  '../../../../scripts/lib/summarize-results.js',
);
const fixture = (name: string) => path.join(__dirname, '__fixtures__', name);

async function summarize(...files: string[]) {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [
      script,
      ...files,
    ]);
    return { exitCode: 0, lines: stdout.trim().split('\n') };
  } catch (error: any) {
    return {
      exitCode: error.code as number,
      lines: error.stdout.trim().split('\n'),
    };
  }
}

describe('summarize-results', () => {
  it('adds up jest and playwright reports and exits 0 when all passed', async () => {
    const { exitCode, lines } = await summarize(
      fixture('jest-green.json'),
      fixture('e2e-green.json'),
    );
    expect(lines).toEqual(['13 passed, 0 failed, 2 skipped']);
    expect(exitCode).toBe(0);
  });

  it('counts a flaky e2e test as failed, names it and exits non-zero', async () => {
    const { exitCode, lines } = await summarize(
      fixture('jest-green.json'),
      fixture('e2e-flaky.json'),
    );
    expect(lines).toEqual([
      'summary: flaky (failed, then passed on a retry): failover.test.ts › switches over to the standby',
      '13 passed, 1 failed, 3 skipped',
    ]);
    expect(exitCode).toBe(1);
  });

  it('counts a jest suite that crashed before its tests ran as failed', async () => {
    const { exitCode, lines } = await summarize(
      fixture('jest-suite-crashed.json'),
    );
    expect(lines).toEqual(['5 passed, 2 failed, 0 skipped']);
    expect(exitCode).toBe(1);
  });

  it('counts a missing report as a failure and says which', async () => {
    const missing = fixture('e2e-never-written.json');
    const { exitCode, lines } = await summarize(
      fixture('jest-green.json'),
      missing,
    );
    expect(lines).toEqual([
      `summary: ${missing} is missing: that runner did not finish`,
      '12 passed, 1 failed, 2 skipped',
    ]);
    expect(exitCode).toBe(1);
  });
});
