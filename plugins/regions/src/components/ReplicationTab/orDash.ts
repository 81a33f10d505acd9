/** A number formatted, or a dash when it is unknown. */
export function orDash(
  value: number | null | undefined,
  format: (v: number) => string,
) {
  return typeof value === 'number' ? format(value) : '—';
}
