import { bytesBehind, formatBytes } from '../lsn';
import { StepEnv } from './types';

/**
 * The promote step. It looks first: a target already primary on a newer
 * timeline than the pre-flight saw was promoted by this run before an
 * interruption, and is not promoted twice. A switchover waits until the
 * target has replayed the fenced primary's last position; an emergency
 * failover waits too when the source was fenced over SQL, then counts what
 * the target never received as lost. Afterwards the fence's replicated
 * changes are lifted on the new primary, so the application writes there.
 */
export async function promoteStep(env: StepEnv): Promise<void> {
  const { execution, plan, fencers } = env;
  const { progress, run } = execution;
  const { node, promoter } = plan.target;
  await execution.step('promote', async ctx => {
    const state = await promoter!.inspect(node!, ctx);
    const before = progress.targetTimelineBefore;
    if (state.role === 'primary') {
      if (
        before === undefined ||
        state.timeline === undefined ||
        state.timeline <= before
      ) {
        throw new Error(
          `${node!.name} is already a primary (timeline ${
            state.timeline ?? '?'
          }) that this run did not promote: nothing was promoted`,
        );
      }
      ctx.log(
        `${node!.name} is already a primary on timeline ${
          state.timeline
        } (it was on ${before} when this run began): promoted by this run before it was interrupted, not promoted again`,
      );
    } else {
      const emergency = run.mode === 'failover';
      const result = await promoter!.promote(node!, ctx, {
        waitForLsn: progress.fencedLsn,
        replayTimeoutIsLoss: emergency,
        source: plan.source.node,
      });
      progress.replayedLsn =
        result.replayedLsn ?? state.receiveLsn ?? state.lsn;
      execution.changed(
        `${node!.name} (${plan.target.ref}) is promoted to primary`,
      );
      if (run.mode === 'switchover') {
        progress.dataLossBytes = 0; // checked in the verify step
      } else {
        progress.dataLossBytes = lossOf(env, ctx.log);
      }
      await execution.save({ dataLossBytes: progress.dataLossBytes });
    }
    await fencers.liftReplicated(node!, ctx);
  });
}

/** What the new primary never received of the old one's WAL, as far as is known. */
function lossOf(env: StepEnv, log: (line: string) => void): number | null {
  const { progress } = env.execution;
  const replayed = progress.replayedLsn!;
  if (progress.fencedLsn) {
    const lost = bytesBehind(progress.fencedLsn, replayed);
    log(
      `replayed up to ${replayed}; the fenced primary wrote up to ${
        progress.fencedLsn
      }: ${formatBytes(lost)} lost`,
    );
    return lost;
  }
  if (progress.lastSourceLsn) {
    const lost = bytesBehind(progress.lastSourceLsn, replayed);
    log(
      `replayed up to ${replayed}; the old primary was last sampled at ${
        progress.lastSourceLsn
      }: at least ${formatBytes(
        lost,
      )} lost (what it wrote after that sample is unknown)`,
    );
    return lost;
  }
  log(
    `replayed up to ${replayed}; the old primary's last position is unknown: data loss unknown`,
  );
  return null;
}
