import {
  DatabaseNode,
  FailoverStepContext,
} from '@meridian/plugin-regions-node';
import { startPostgresPair } from '../../testing/postgresLab';
import { CommandFencer } from './CommandFencer';

import { outsideRun } from '../engine/outsideRun';

jest.setTimeout(60_000);

function stepContext(): FailoverStepContext & { lines: string[] } {
  const lines: string[] = [];
  return { ...outsideRun({ log: line => lines.push(line) }), lines };
}

const SECRET = 's3cr3t-pw';

function node(command: string[], timeoutSeconds = 5): DatabaseNode {
  return {
    name: 'east-db',
    regions: ['region:default/us-east'],
    // nothing listens there: the node does not answer
    connection: `postgresql://meridian:${SECRET}@127.0.0.1:1/postgres`,
    fence: { command, timeoutSeconds },
  };
}

describe('CommandFencer', () => {
  const fencer = new CommandFencer();

  it('supports only nodes with a fence command', () => {
    expect(fencer.supports(node(['true']))).toBe(true);
    expect(
      fencer.supports({ name: 'x', regions: [], connection: 'postgresql://x' }),
    ).toBe(false);
  });

  it('records the exit code and output of a command that fenced, the node name in its environment, no secret', async () => {
    const ctx = stepContext();
    const result = await fencer.fence(
      node([
        '/bin/sh',
        '-c',
        `echo "powered off $MERIDIAN_DATABASE"; echo "${SECRET}" >&2`,
      ]),
      ctx,
    );
    expect(result.detail).toMatch(
      /^\/bin\/sh \(2 argument\(s\)\) exited 0 after \d+ ms: powered off east-db \*\*\*$/,
    );
    expect(JSON.stringify(ctx.lines)).not.toContain(SECRET);
  });

  it('fails on a non-zero exit, a timeout or a program that does not exist, with what it said', async () => {
    await expect(
      fencer.fence(
        node(['/bin/sh', '-c', 'echo "host not found" >&2; exit 3']),
        stepContext(),
      ),
    ).rejects.toThrow(
      /^the fence command \/bin\/sh \(2 argument\(s\)\) exited 3 after \d+ ms; output: host not found$/,
    );
    await expect(
      fencer.fence(node(['/bin/sleep', '30'], 0.3), stepContext()),
    ).rejects.toThrow(
      'the fence command /bin/sleep (1 argument(s)) did not finish within 0.3 s and was killed; output: (empty body)',
    );
    await expect(
      fencer.fence(node(['/nonexistent/power-off']), stepContext()),
    ).rejects.toThrow(
      'the fence command /nonexistent/power-off could not start: spawn /nonexistent/power-off ENOENT',
    );
  });

  it('calls the node fenced after the command only when it does not take writes', async () => {
    expect(await fencer.verify(node(['true']), stepContext())).toEqual({
      fenced: true,
      unreachable: true,
      detail: 'does not answer after the fence command exited 0',
    });
    const pair = await startPostgresPair();
    try {
      const answering = {
        ...node(['true']),
        connection: pair.primary.superuserConnectionString,
      };
      expect(await fencer.verify(answering, stepContext())).toEqual({
        fenced: false,
        detail:
          'still answers as a primary (read-only off) after the fence command exited 0',
      });
      const standby = {
        ...node(['true']),
        connection: pair.standby.superuserConnectionString,
      };
      expect(await fencer.verify(standby, stepContext())).toEqual({
        fenced: true,
        detail: 'in recovery (a standby) after the fence command',
      });
    } finally {
      await pair.stop();
    }
  });
});
