/**
 * Polls `found` until it gives a value, failing with `what` (and the last
 * value seen, when `describe` is given) after the deadline: tests wait on
 * conditions, never on the clock.
 */
export async function eventually<T>(
  found: () => Promise<T | undefined | false | 0>,
  options: {
    timeoutMs: number;
    what: string;
    describe?: () => Promise<string>;
  },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await found();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      const seen = options.describe ? `: ${await options.describe()}` : '';
      throw new Error(
        `no ${options.what} within ${options.timeoutMs} ms${seen}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}
