import {
  DatabaseNode,
  FailoverStepContext,
  Fencer,
  FenceResult,
  FenceVerdict,
} from '@meridian/plugin-regions-node';
import { spawn } from 'node:child_process';
import { connectionSecrets, quote, redact } from '../../lib/errors';
import { isUnreachable, withNode } from '../../postgres/connection';

/** How much of the command's output the run keeps. */
const OUTPUT_TAIL = 2_000;

/**
 * The `command` fencer: runs the command of `regions.databases.<name>.fence`
 * (a cloud CLI that powers the host off, a script that cuts its network) when
 * the old primary does not answer, so that it cannot come back as a second
 * writable primary. The command runs without a shell, with `MERIDIAN_DATABASE`
 * set to the node's name; its exit code and output go into the run (its
 * arguments do not: config may carry a secret there). Exit 0
 * is the fence; anything else, or no exit within `timeoutSeconds`, is a failure.
 *
 * Its verdict afterwards: the node must not answer as a writable primary. That
 * it does not answer counts only because the command said it stopped it.
 */
export class CommandFencer implements Fencer {
  readonly id = 'command';
  readonly reach = 'out-of-band';

  supports(node: DatabaseNode): boolean {
    return Boolean(node.fence?.command.length);
  }

  async fence(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<FenceResult> {
    const { command, timeoutSeconds } = node.fence!;
    // Its arguments stay out of the run: config may put a secret there.
    const shown = `${command[0]}${
      command.length > 1 ? ` (${command.length - 1} argument(s))` : ''
    }`;
    ctx.log(`${node.name}: running the fence command ${shown}`);
    const started = Date.now();
    const { code, signal, output, timedOut } = await run(
      command,
      timeoutSeconds * 1000,
      { ...process.env, MERIDIAN_DATABASE: node.name },
      ctx.signal,
    );
    const took = Date.now() - started;
    const said = quote(
      redact(
        output.slice(-OUTPUT_TAIL),
        connectionSecrets(node.connection ?? ''),
      ),
      OUTPUT_TAIL,
    );
    if (timedOut) {
      throw new Error(
        `the fence command ${shown} did not finish within ${timeoutSeconds} s and was killed; output: ${said}`,
      );
    }
    if (code !== 0) {
      throw new Error(
        `the fence command ${shown} ${
          signal ? `was killed by ${signal}` : `exited ${code}`
        } after ${took} ms; output: ${said}`,
      );
    }
    ctx.log(`${node.name}: ${shown} exited 0 after ${took} ms: ${said}`);
    return { detail: `${shown} exited 0 after ${took} ms: ${said}` };
  }

  async verify(
    node: DatabaseNode,
    ctx: FailoverStepContext,
  ): Promise<FenceVerdict> {
    if (!node.connection) {
      return {
        fenced: true,
        detail:
          'the fence command exited 0; the node has no connection to look at',
      };
    }
    try {
      return await withNode(node, ctx, 'look at', async client => {
        const {
          rows: [row],
        } = await client.query<{ in_recovery: boolean; read_only: string }>(
          `SELECT pg_is_in_recovery() AS in_recovery,
                  current_setting('default_transaction_read_only') AS read_only`,
        );
        return row.in_recovery
          ? {
              fenced: true,
              detail: 'in recovery (a standby) after the fence command',
            }
          : {
              fenced: false,
              detail: `still answers as a primary (read-only ${row.read_only}) after the fence command exited 0`,
            };
      });
    } catch (error) {
      if (isUnreachable(error)) {
        return {
          fenced: true,
          unreachable: true,
          detail: 'does not answer after the fence command exited 0',
        };
      }
      return { fenced: false, detail: (error as Error).message };
    }
  }
}

function run(
  command: string[],
  timeoutMs: number,
  env: NodeJS.ProcessEnv,
  abort: AbortSignal,
): Promise<{
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  timedOut: boolean;
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4 * OUTPUT_TAIL);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const onAbort = () => child.kill('SIGKILL');
    abort.addEventListener('abort', onAbort, { once: true });
    child.on('error', error => {
      clearTimeout(timer);
      abort.removeEventListener('abort', onAbort);
      reject(
        new Error(
          `the fence command ${command[0]} could not start: ${error.message}`,
        ),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      abort.removeEventListener('abort', onAbort);
      resolve({ code, signal, output, timedOut });
    });
  });
}
