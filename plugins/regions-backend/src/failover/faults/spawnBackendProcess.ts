import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ChildProcess, spawn } from 'node:child_process';
import { BackendProcessInput } from './backendProcess';

/** A backend process started by a test, and what it printed. */
export interface SpawnedBackend {
  child: ChildProcess;
  /** The run it started or resumes. */
  runId: string;
  /** Resolves with its exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Resolves once it printed `STEP <step> <status>`; rejects if it exits first. */
  printed(step: string, status: string): Promise<void>;
}

/**
 * Starts `backendProcess.ts` in a Node process of its own; resolves once it
 * has recorded its run (printed `RUN <id>`).
 */
export function startBackendProcess(
  input: BackendProcessInput,
): Promise<SpawnedBackend> {
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      resolvePackagePath(
        '@meridian/plugin-regions-backend',
        'src/failover/faults/backendProcess.ts',
      ),
      JSON.stringify(input),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', chunk => {
    stdout += chunk;
    listeners.forEach(listener => listener());
  });
  child.stderr!.on('data', chunk => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => resolve(code)),
  );
  const exitedFirst = (what: string) =>
    exited.then(code => {
      throw new Error(
        `backend process exited ${code} before ${what}: ${stderr}`,
      );
    });

  /** Resolves with the first match of `pattern` in stdout, now or later. */
  const printedLine = (pattern: RegExp) =>
    Promise.race([
      new Promise<RegExpExecArray>(resolve => {
        const look = () => {
          const match = pattern.exec(stdout);
          if (match) {
            listeners.delete(look);
            resolve(match);
          }
        };
        listeners.add(look);
        look();
      }),
      exitedFirst(`printing ${pattern}`),
    ]);

  return printedLine(/^RUN (\S+)$/m).then(([, runId]) => ({
    child,
    runId,
    exited,
    printed: async (step, status) => {
      await printedLine(new RegExp(`^STEP ${step} ${status}$`, 'm'));
    },
  }));
}
