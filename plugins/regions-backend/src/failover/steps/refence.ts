import {
  DatabaseNode,
  FailoverStepContext,
  Fencer,
  Promoter,
} from '@meridian/plugin-regions-node';
import { bytesBehind, formatBytes } from '../lsn';

/**
 * Fences again an old primary found taking writes after its run promoted
 * another node, and verifies it. Answers what it wrote past the fork (the
 * position the new primary had replayed when promoted), read before the new
 * fence so that the fence's own WAL does not count: bytes the new primary
 * never received. Used by the verify step and the split-brain guard alike.
 */
export async function refence(
  options: {
    node: DatabaseNode;
    fencer: Fencer;
    promoter?: Promoter;
    /** Where the new primary's timeline forks. */
    forkLsn?: string;
  },
  ctx: FailoverStepContext,
): Promise<{ lostBytes?: number; detail: string }> {
  const { node, fencer, promoter, forkLsn } = options;
  const state = await promoter?.inspect(node, ctx).catch(() => undefined);
  const result = await fencer.fence(node, ctx);
  const verdict = await fencer.verify(node, ctx);
  if (!verdict.fenced) {
    throw new Error(
      `${node.name} takes writes beside the new primary and could not be fenced again: ${verdict.detail}`,
    );
  }
  const writtenUpTo = state?.role === 'primary' ? state.lsn : undefined;
  const lostBytes =
    writtenUpTo && forkLsn ? bytesBehind(writtenUpTo, forkLsn) : undefined;
  return {
    ...(lostBytes !== undefined ? { lostBytes } : {}),
    detail: `${result.detail}; ${verdict.detail}${
      lostBytes !== undefined
        ? `; it wrote up to ${writtenUpTo}, ${formatBytes(
            lostBytes,
          )} past the fork at ${forkLsn} that the new primary never received`
        : ''
    }`,
  };
}
