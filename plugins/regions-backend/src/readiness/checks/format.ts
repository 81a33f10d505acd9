const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['min', 60_000],
  ['s', 1_000],
];

/** A duration for a sentence, in its largest unit: `3 d`, `5 min`, `40 s`, `850 ms`. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of UNITS) {
    if (ms >= size) {
      const value = ms / size;
      return `${Number(value.toFixed(value < 10 ? 1 : 0))} ${unit}`;
    }
  }
  return `${Math.round(ms)} ms`;
}

/** A fraction as a percentage with one decimal: `99.7 %`. */
export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(1))} %`;
}
