/** An amount in a currency: "$1,234.56"; the raw code for a currency Intl does not know. */
export function formatMoney(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
    }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}

/** A ratio as a percentage: 0.5923 → "59%"; "—" when unknown. */
export function formatPercent(ratio: number | null): string {
  return ratio === null ? '—' : `${Math.round(ratio * 100)}%`;
}

/** A change as a signed percentage: 0.1667 → "+17%", -0.05 → "−5%". */
export function formatChange(change: number): string {
  const percent = Math.round(change * 100);
  if (percent === 0) {
    return '±0%';
  }
  return percent > 0 ? `+${percent}%` : `−${Math.abs(percent)}%`;
}
