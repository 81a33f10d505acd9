import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';

/**
 * A mock scaffolder action context for `input`, with `extra` fields over it
 * (isDryRun, checkpoint, getInitiatorCredentials…), and the task log as the
 * user reads it: info and error lines, in the order they were written.
 */
export function actionContext(
  input: Record<string, unknown>,
  extra: Partial<ReturnType<typeof createMockActionContext>> = {},
) {
  const log: string[] = [];
  const write = (message: string) => {
    log.push(message);
  };
  const logger = mockServices.logger.mock({ info: write, error: write });
  const ctx = {
    ...createMockActionContext({ input: input as any, logger }),
    ...extra,
  };
  return { ctx, lines: () => [...log] };
}

/**
 * A scaffolder checkpoint whose state survives the task: a recovered task
 * given the same state gets each key's first answer back instead of running
 * its function again, as the scaffolder replays a task's checkpoints.
 */
export function checkpointState(state = new Map<string, unknown>()) {
  const checkpoint = async ({ key, fn }: { key: string; fn: () => any }) => {
    if (!state.has(key)) state.set(key, await fn());
    return state.get(key) as any;
  };
  return { state, checkpoint };
}
