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

/** At most one decimal, none when it is zero: 2.14 → "2.1", 14.0 → "14". */
function trimmed(value: number): string {
  return value < 10
    ? String(Math.round(value * 10) / 10)
    : `${Math.round(value)}`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 512 → "512 B", 14336 → "14 KiB", 2202010 → "2.1 MiB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : trimmed(value)} ${BYTE_UNITS[unit]}`;
}

/** A replication lag: 2.14 → "2.1 s", 45 → "45 s", 90 → "1 min 30 s". */
export function formatLagSeconds(seconds: number): string {
  return seconds < 60 ? `${trimmed(seconds)} s` : formatSeconds(seconds);
}

/** "2.1 s / 14 KiB", either half alone when the other is unknown, "—" when both are. */
export function formatLag(
  lagSeconds: number | null | undefined,
  lagBytes: number | null | undefined,
): string {
  const parts = [
    typeof lagSeconds === 'number' ? formatLagSeconds(lagSeconds) : undefined,
    typeof lagBytes === 'number' ? formatBytes(lagBytes) : undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(' / ') : '—';
}

/** How long ago an ISO time was, e.g. "5 s ago"; "just now" for a time ahead of the clock. */
export function formatAge(iso: string, now: number = Date.now()): string {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  return seconds <= 0 ? 'just now' : `${formatSeconds(seconds)} ago`;
}

/** How long until an ISO time, e.g. "in 25 min"; "passed" once it has. */
export function formatTimeLeft(iso: string, now: number = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  return seconds <= 0 ? 'passed' : `in ${formatSeconds(seconds)}`;
}
