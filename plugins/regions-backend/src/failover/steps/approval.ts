import { ExecutionOutcome } from '../engine/RunExecution';
import { StepEnv } from './types';

/**
 * The approval step of a run whose mode needs other owners' approvals
 * (`regions.failover.approvals`). Until they are all there the run is parked
 * after its pre-flight — holding its regions, changing nothing — and answers
 * when it expires; once approved (and the pre-flight passed again) the step
 * records who approved it and the run goes on.
 */
export async function approvalStep(
  env: StepEnv,
  approvalTimeoutMs: number,
): Promise<
  Extract<ExecutionOutcome, { status: 'awaiting-approval' }> | undefined
> {
  const { execution } = env;
  const { run } = execution;
  const needed = run.approvalsRequired;
  if (run.approvals.length >= needed) {
    await execution.step('approval', async ctx => {
      for (const approval of run.approvals) {
        ctx.log(`approved by ${approval.by} at ${approval.at}`);
      }
    });
    return undefined;
  }
  const deadline = new Date(Date.now() + approvalTimeoutMs);
  await execution.park(
    'approval',
    `waits for ${
      needed - run.approvals.length
    } approval(s) of another owner of both regions (not ${
      run.createdBy
    }) until ${deadline.toISOString()}; nothing is changed until then`,
  );
  return { status: 'awaiting-approval', deadline };
}
