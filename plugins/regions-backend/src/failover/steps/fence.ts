import { FailoverFence } from '@meridian/plugin-regions-common';
import { FailoverStepContext, Fencer } from '@meridian/plugin-regions-node';
import { StepFailed } from '../engine/RunExecution';
import { StepEnv } from './types';

/**
 * The fence step: makes the old primary unable to take writes, and verifies
 * it, before anything is promoted. While the source answers, its in-band
 * fencer fences it (for a promoter that demotes the source itself, Patroni,
 * the fence is verified after the promotion); when it does not (emergency
 * failover), its out-of-band fencers are tried in order, and only then the
 * operator's attestation counts. Unreachable alone is never fenced.
 */
export async function fenceStep(env: StepEnv): Promise<void> {
  const { execution, plan } = env;
  const { progress, run } = execution;
  await execution.step('fence', async ctx => {
    const fence = await fenceSource(env, ctx);
    progress.fence = fence;
    progress.rtoStartedAt ??=
      run.mode === 'switchover' ? new Date().toISOString() : run.createdAt;
    ctx.log(
      `${plan.source.node!.name} is fenced (${fence.method}): ${fence.detail}`,
    );
    await execution.save({ fence });
  });
}

async function fenceSource(
  env: StepEnv,
  ctx: FailoverStepContext,
): Promise<FailoverFence> {
  const { execution, plan } = env;
  const { run } = execution;
  const source = plan.source.node!;
  const at = () => new Date().toISOString();

  if (plan.inBandFencer) {
    const inBand = await fenceInBand(env, plan.inBandFencer, ctx);
    if (inBand !== 'unreachable') {
      return { ...inBand, at: at() };
    }
    if (run.mode !== 'failover') {
      throw new StepFailed(
        `${source.name} stopped answering before it could be fenced; a ${run.mode} needs it up: nothing was promoted`,
      );
    }
    ctx.log(
      `${source.name} does not answer: it cannot be fenced over its own connection`,
    );
  }

  for (const fencer of plan.outOfBandFencers) {
    await ctx.ensureLease(); // the in-band attempt may have taken a while
    try {
      const result = await fencer.fence(source, ctx);
      execution.changed(
        `the ${fencer.id} fencer ran against ${source.name}: ${result.detail}`,
      );
      const verdict = await fencer.verify(source, ctx);
      if (verdict.fenced) {
        return {
          method: fencer.id,
          detail: `${result.detail}; ${verdict.detail}`,
          at: at(),
        };
      }
      ctx.log(
        `${source.name} is not fenced after the ${fencer.id} fencer: ${verdict.detail}`,
      );
    } catch (error) {
      ctx.log(`the ${fencer.id} fencer failed: ${(error as Error).message}`);
    }
  }
  if (plan.sourceFenced) {
    return {
      method: 'attested',
      detail: `${run.createdBy} attests: "${plan.sourceFenced}"`,
      at: at(),
    };
  }
  throw new StepFailed(
    `${source.name} does not answer and no fencer fenced it${
      plan.outOfBandFencers.length
        ? ` (tried: ${plan.outOfBandFencers.map(f => f.id).join(', ')})`
        : ''
    }; without a fence or the operator's attestation (sourceFenced) the target is not promoted`,
  );
}

/** Fences the source over its own connection, or says it does not answer. */
async function fenceInBand(
  env: StepEnv,
  fencer: Fencer,
  ctx: FailoverStepContext,
): Promise<Omit<FailoverFence, 'at'> | 'unreachable'> {
  const { execution, plan } = env;
  const { progress } = execution;
  const source = plan.source.node!;
  if (plan.target.promoter?.demotesSource) {
    const result = await fencer.fence(source, ctx);
    progress.fencedLsn = result.lsn;
    return { method: fencer.id, detail: result.detail };
  }
  // Already fenced: an earlier attempt of this run, before an interruption.
  const before = await fencer.verify(source, ctx);
  if (before.unreachable) {
    return 'unreachable';
  }
  if (before.fenced) {
    const state = await plan.source.promoter!.inspect(source, ctx);
    progress.fencedLsn = state.role === 'primary' ? state.lsn : undefined;
    return { method: fencer.id, detail: `already fenced: ${before.detail}` };
  }
  let result;
  try {
    result = await fencer.fence(source, ctx);
  } catch (error) {
    const after = await fencer.verify(source, ctx);
    if (after.unreachable && plan.mode === 'failover') {
      return 'unreachable';
    }
    throw error;
  }
  progress.fencedLsn = result.lsn;
  execution.changed(
    `${source.name} (${plan.source.ref}) is fenced by the ${fencer.id} fencer and refuses the application's writes`,
  );
  const after = await fencer.verify(source, ctx);
  if (!after.fenced) {
    throw new StepFailed(
      `${source.name} was fenced but the fence does not hold: ${after.detail}; the target was not promoted`,
    );
  }
  return { method: fencer.id, detail: `${result.detail}; ${after.detail}` };
}
