import { FailoverStepContext } from '@meridian/plugin-regions-node';
import { setTimeout as delay } from 'node:timers/promises';
import { StepFailed } from '../engine/RunExecution';
import { StepEnv } from './types';

const DEFAULT_CANARY_PAUSE_SECONDS = 30;

/**
 * Points every switch of the plan at the target, reading each back; a switch
 * already there is left alone. A canary failback shifts the traffic in steps
 * first (each switch's weights set and read back), holding each step and
 * checking that the new primary still takes writes before the next one.
 */
export async function switchTrafficStep(env: StepEnv): Promise<void> {
  const { execution, plan } = env;
  if (plan.switches.length === 0) {
    await execution.skip(
      'switch-traffic',
      'neither region names a traffic switch (meridian.dev/traffic)',
    );
    return;
  }
  await execution.step('switch-traffic', async ctx => {
    if (plan.canary) {
      await shiftInSteps(env, ctx);
    }
    for (const { sw, address } of plan.switches) {
      const before = await sw.current(ctx);
      if (before.length === 1 && before[0] === address) {
        ctx.log(`${sw.name} (${sw.driver}) already answers ${address}`);
        continue;
      }
      await sw.switchTo(address, ctx);
      execution.changed(`traffic switch ${sw.name} points at ${address}`);
      const now = await sw.current(ctx);
      if (now.length !== 1 || now[0] !== address) {
        throw new StepFailed(
          `${sw.name} answers ${
            now.join(', ') || 'nothing'
          } after the switch, not only ${address}`,
        );
      }
      ctx.log(`${sw.name} (${sw.driver}) answers ${address}`);
    }
  });
}

/** The canary's steps below 100 %: weights, read back, a pause, a health check. */
async function shiftInSteps(env: StepEnv, ctx: FailoverStepContext) {
  const { execution, plan } = env;
  const { percents, pauseSeconds = DEFAULT_CANARY_PAUSE_SECONDS } =
    plan.canary!;
  const target = plan.target.node!;
  for (const percent of percents.filter((step: number) => step < 100)) {
    await ctx.ensureLease();
    for (const { sw, address } of plan.switches) {
      const sourceAddress = plan.sourceAddresses.get(sw.name)!;
      const weights = [
        { address, percent },
        { address: sourceAddress, percent: 100 - percent },
      ];
      await sw.weigh!(weights, ctx);
      execution.changed(
        `traffic switch ${sw.name} sends ${percent} % to ${address}`,
      );
      const now = await sw.currentWeights!(ctx);
      const onTarget = now.find(w => w.address === address)?.percent ?? 0;
      if (onTarget !== percent) {
        throw new StepFailed(
          `${sw.name} sends ${onTarget} % to ${address} after the change, not ${percent} %`,
        );
      }
      ctx.log(
        `${sw.name} (${sw.driver}): ${now
          .map(w => `${w.percent} % → ${w.address}`)
          .join(', ')}`,
      );
    }
    ctx.log(`holding ${percent} % for ${pauseSeconds} s`);
    await delay(pauseSeconds * 1000, undefined, { signal: ctx.signal });
    await plan.target.promoter!.verifyWritable(target, ctx);
    ctx.log(`${target.name} takes writes after ${percent} %: going on`);
  }
}
