import { FailoverPreflightCheck } from '@meridian/plugin-regions-common';
import { FailoverPlanner } from '../plan/FailoverPlanner';
import { FailoverFacts } from '../plan/types';
import { StepEnv } from './types';

/**
 * The pre-flight step: observes both nodes, runs every check and records
 * them, with what the later steps need of the facts. Answers the facts and the
 * checks; a resumed run whose pre-flight passed before does not run it again.
 */
export async function preflightStep(
  env: StepEnv,
  planner: FailoverPlanner,
): Promise<
  { facts: FailoverFacts; checks: FailoverPreflightCheck[] } | undefined
> {
  const { execution, plan } = env;
  const { progress } = execution;
  return execution.step('preflight', async ctx => {
    const facts = await planner.observe(plan, ctx);
    const checks = planner.checks(plan, facts, true);
    for (const check of checks) {
      ctx.log(
        `${check.passed ? 'pass' : 'FAIL'} ${check.title}: ${check.detail}`,
      );
    }
    progress.sourceNode = plan.source.node?.name;
    progress.targetNode = plan.target.node?.name;
    progress.sourceAnswered = facts.source.state !== undefined;
    progress.targetTimelineBefore = facts.target.state?.timeline;
    progress.lastSourceLsn = facts.lastSource?.lsn ?? undefined;
    await execution.save({ preflight: checks });
    return { facts, checks };
  });
}
