import { StepFailed } from '../engine/RunExecution';
import { StepEnv } from './types';

/** Points every switch of the plan at the target, reading each back; a switch already there is left alone. */
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
