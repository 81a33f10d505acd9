import { ExecutionOutcome } from '../engine/RunExecution';
import { blockingChecks } from '../preflight/checks';
import { FailoverPlanner } from '../plan/FailoverPlanner';
import { formatBytes } from '../lsn';
import { approvalStep } from './approval';
import { fenceStep } from './fence';
import { preflightStep } from './preflight';
import { promoteStep } from './promote';
import { switchTrafficStep } from './switchTraffic';
import { StepEnv } from './types';
import { verifyStep } from './verify';

export type { FailoverProgress, StepEnv } from './types';
export { refence } from './refence';

/**
 * A run, step by step: pre-flight; where the mode needs them, other owners'
 * approvals (the run is parked until they come); for a drill or dry run
 * nothing more; then fence the old primary, promote the target, switch traffic,
 * verify, record.
 * Each step looks before it acts, so a resumed run continues where it was
 * interrupted without doing anything twice.
 */
export async function runFailoverSteps(
  env: StepEnv,
  planner: FailoverPlanner,
  approvalTimeoutMs: number,
): Promise<ExecutionOutcome> {
  const { execution } = env;
  const { run, progress } = execution;
  const drill = run.mode === 'drill' || run.dryRun;

  const preflight = await preflightStep(env, planner);
  if (preflight) {
    const blocking = blockingChecks(preflight.checks, run.force);
    if (blocking.length > 0) {
      const error = `refused, nothing changed: ${blocking
        .map(
          check =>
            `${check.title}: ${check.detail}${
              check.forcible ? ' (force overrides it)' : ''
            }`,
        )
        .join('; ')}`;
      // the step ran, but its verdict is the run's refusal: shown failed,
      // naming the checks (the run's error gives their details)
      await execution.failFinished(
        'preflight',
        `${blocking.length} of ${
          preflight.checks.length
        } checks refuse the run: ${blocking
          .map(check => check.title)
          .join(', ')}`,
      );
      await execution.skipRest(
        'refused by the pre-flight checks: nothing changed',
      );
      return { status: 'refused', error };
    }
  }
  if (run.approvalsRequired > 0) {
    const waiting = await approvalStep(env, approvalTimeoutMs);
    if (waiting) {
      return waiting;
    }
  }
  if (drill) {
    await execution.skipRest(
      `${
        run.mode === 'drill' ? 'drill' : 'dry run'
      }: pre-flight only, nothing changed`,
    );
    return { status: 'succeeded' };
  }
  await fenceStep(env);
  await promoteStep(env);
  await switchTrafficStep(env);
  await verifyStep(env);
  const rtoMs = progress.rtoMs ?? null;
  const dataLossBytes = progress.dataLossBytes ?? null;
  await execution.step('record', async ctx => {
    ctx.log(
      `RTO ${rtoMs === null ? 'not measured' : `${rtoMs} ms`}; data loss ${
        dataLossBytes === null ? 'unknown' : formatBytes(dataLossBytes)
      }`,
    );
  });
  return { status: 'succeeded', rtoMs, dataLossBytes };
}
