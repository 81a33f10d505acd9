/**
 * Reads something once per readiness evaluation run rather than once per
 * region: every region of one run is evaluated with the run's `now`, so a
 * new `now` is a new run (and the catalog is read afresh).
 */
export function perEvaluationRun<T>(
  read: () => Promise<T>,
): (now: Date) => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined;
  return now => {
    if (cached?.at !== now.getTime()) {
      cached = { at: now.getTime(), value: read() };
    }
    return cached.value;
  };
}
