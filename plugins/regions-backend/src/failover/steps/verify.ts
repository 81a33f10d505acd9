import { FailoverStepContext } from '@meridian/plugin-regions-node';
import { StepFailed } from '../engine/RunExecution';
import { bytesBehind, formatBytes } from '../lsn';
import { refence } from './refence';
import { StepEnv } from './types';

/**
 * The verify step: the new primary commits a write, reports itself a writable
 * primary and (switchover) holds every byte the fenced primary wrote; the old
 * primary is still fenced — found taking writes again, it is fenced anew at
 * once. Records the RTO: from the fence (switchover) or the run's start to the
 * first write.
 */
export async function verifyStep(env: StepEnv): Promise<void> {
  const { execution, plan } = env;
  const { progress, run } = execution;
  const target = plan.target.node!;
  const promoter = plan.target.promoter!;
  await execution.step('verify', async ctx => {
    await promoter.verifyWritable(target, ctx);
    const rtoMs =
      Date.now() - Date.parse(progress.rtoStartedAt ?? run.createdAt);
    progress.rtoMs = rtoMs;
    ctx.log(
      `writes are back on ${target.name} ${rtoMs} ms after ${
        run.mode === 'switchover' ? 'the fence' : 'the run started'
      }`,
    );
    const state = await promoter.inspect(target, ctx);
    if (state.role !== 'primary' || !state.writable) {
      throw new StepFailed(
        `${target.name} reports itself as a ${state.role}${
          state.writable ? '' : ' refusing writes'
        }`,
      );
    }
    if (run.mode === 'switchover' && progress.fencedLsn) {
      const missing = bytesBehind(progress.fencedLsn, state.lsn);
      if (missing > 0) {
        throw new StepFailed(
          `${target.name} is at ${state.lsn}, ${formatBytes(
            missing,
          )} short of the fenced primary's ${progress.fencedLsn}`,
        );
      }
      ctx.log(
        `${target.name} is at ${state.lsn} ≥ ${progress.fencedLsn}: no committed transaction lost`,
      );
    }
    await verifySourceFenced(env, ctx);
  });
}

async function verifySourceFenced(env: StepEnv, ctx: FailoverStepContext) {
  const { execution, plan } = env;
  const { progress } = execution;
  const source = plan.source.node!;
  const fencer = plan.inBandFencer;
  if (!fencer) {
    ctx.log(
      `${source.name} has no in-band fencer to look with; fenced by ${progress.fence?.method}`,
    );
    return;
  }
  const verdict = await fencer.verify(source, ctx);
  if (verdict.fenced) {
    ctx.log(`${source.name}: ${verdict.detail}`);
    return;
  }
  if (verdict.unreachable) {
    ctx.log(
      `${source.name} does not answer now; it was fenced (${progress.fence?.method}) before the promotion`,
    );
    return;
  }
  ctx.log(
    `${source.name} is not fenced (${verdict.detail}): fencing it again now`,
  );
  const again = await refence(
    {
      node: source,
      fencer,
      promoter: plan.source.promoter,
      forkLsn: progress.replayedLsn,
    },
    ctx,
  );
  execution.changed(
    `${source.name} (${plan.source.ref}) is fenced again by the ${fencer.id} fencer`,
  );
  ctx.log(`${source.name}: ${again.detail}`);
  if (
    again.lostBytes !== undefined &&
    again.lostBytes > (progress.dataLossBytes ?? -1)
  ) {
    progress.dataLossBytes = again.lostBytes;
  }
}
