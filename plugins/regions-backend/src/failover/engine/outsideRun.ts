import { FailoverStepContext } from '@meridian/plugin-regions-node';

/**
 * A step context for work done outside a run — a pre-flight evaluated for a
 * preview or the takeover status, the split-brain guard's re-fence, tests —
 * which holds no lease to lose.
 */
export function outsideRun(
  options: { signal?: AbortSignal; log?: (message: string) => void } = {},
): FailoverStepContext {
  return {
    signal: options.signal ?? new AbortController().signal,
    log: options.log ?? (() => {}),
    ensureLease: async () => {},
  };
}
