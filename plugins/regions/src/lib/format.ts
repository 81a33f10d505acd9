import { RegionSpec } from '@meridian/plugin-regions-common';

const TIER_NAMES: Record<1 | 2 | 3, string> = {
  1: 'global hub',
  2: 'regional hub',
  3: 'edge',
};

/** "2 · regional hub" */
export function formatTier(tier: 1 | 2 | 3): string {
  return `${tier} · ${TIER_NAMES[tier]}`;
}

/** Plural layer names of the topology graph, e.g. "Tier 1 · global hubs". */
export function formatTierLayer(tier: 1 | 2 | 3): string {
  const name = TIER_NAMES[tier];
  return `Tier ${tier} · ${name === 'edge' ? 'edges' : `${name}s`}`;
}

/** "Porto Alegre, BR", or undefined when neither city nor country is known. */
export function formatLocation(
  location: RegionSpec['location'],
): string | undefined {
  const parts = [location?.city, location?.country].filter(Boolean);
  return parts.length ? parts.join(', ') : undefined;
}

/** 45 → "45 s", 300 → "5 min", 5400 → "1 h 30 min". */
export function formatSeconds(total: number): string {
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = Math.round(total % 60);
  const parts = [
    hours ? `${hours} h` : '',
    minutes ? `${minutes} min` : '',
    seconds || total === 0 ? `${seconds} s` : '',
  ].filter(Boolean);
  return parts.join(' ');
}

/** "$6,000 per month"; falls back to the raw code for unknown currencies. */
export function formatBudget(
  budget: NonNullable<RegionSpec['budget']>,
): string {
  if (budget.monthly === undefined) {
    return budget.currency ? `in ${budget.currency}` : '';
  }
  const currency = budget.currency ?? 'USD';
  try {
    const amount = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      maximumFractionDigits: 0,
    }).format(budget.monthly);
    return `${amount} per month`;
  } catch {
    return `${budget.monthly} ${currency} per month`;
  }
}

const SECONDS_PER_30_DAYS = 30 * 24 * 3600;

/** "99.9% (43 min 12 s of downtime per 30 days)" */
export function formatAvailability(target: number): string {
  const downtime = Math.round(((100 - target) / 100) * SECONDS_PER_30_DAYS);
  return `${target}% (${formatSeconds(downtime)} of downtime per 30 days)`;
}
