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

const HOURS_SHOWN_UP_TO = 48;

/**
 * 45 → "45 s", 300 → "5 min", 5400 → "1 h 30 min"; from 48 h on in days and
 * hours, 1_814_523 → "21 d 0 h" (minutes no longer matter at that scale).
 */
export function formatSeconds(total: number): string {
  if (total >= HOURS_SHOWN_UP_TO * 3600) {
    const days = Math.floor(total / 86400);
    const hoursLeft = Math.floor((total % 86400) / 3600);
    return `${days} d ${hoursLeft} h`;
  }
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

/** An RPO, the same unit on every page: 300 → "5 min", 45 → "45 s". */
export function formatRpo(seconds: number): string {
  return formatSeconds(seconds);
}

/**
 * "$6,000 per month" (in the user's locale); falls back to the raw code for
 * unknown currencies.
 */
export function formatBudget(
  budget: NonNullable<RegionSpec['budget']>,
  locale?: string,
): string {
  if (budget.monthly === undefined) {
    return budget.currency ? `in ${budget.currency}` : '';
  }
  const currency = budget.currency ?? 'USD';
  return `${formatMoney(budget.monthly, currency, {
    locale,
    maximumFractionDigits: 0,
  })} per month`;
}

/**
 * An amount in a currency in the user's locale: "$1,234.56" (en-US),
 * "1.234,56 €" (de-DE); the raw code for a currency Intl does not know.
 */
export function formatMoney(
  amount: number,
  currency: string,
  options: { locale?: string; maximumFractionDigits?: number } = {},
): string {
  const { locale, maximumFractionDigits } = options;
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      ...(maximumFractionDigits === undefined
        ? {}
        : { minimumFractionDigits: 0, maximumFractionDigits }),
    }).format(amount);
  } catch {
    return `${amount.toFixed(maximumFractionDigits ?? 2)} ${currency}`;
  }
}

/** A ratio as a percentage in the user's locale: 0.5923 → "59%"; "—" when unknown. */
export function formatPercent(ratio: number | null, locale?: string): string {
  return ratio === null
    ? '—'
    : new Intl.NumberFormat(locale, {
        style: 'percent',
        maximumFractionDigits: 0,
      }).format(ratio);
}

/** A change as a signed percentage: 0.1667 → "+17%", -0.05 → "-5%", 0 → "0%". */
export function formatChange(change: number, locale?: string): string {
  return new Intl.NumberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: 0,
    signDisplay: 'exceptZero',
  }).format(change);
}

/** A score out of 100 with at most one decimal: 77.84 → "77.8%", 94 → "94%". */
export function formatScore(score: number, locale?: string): string {
  return new Intl.NumberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: 1,
  }).format(score / 100);
}

/** A plain count or measure in the user's locale: 1234 → "1,234". */
export function formatNumber(value: number, locale?: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(
    value,
  );
}

const SECONDS_PER_30_DAYS = 30 * 24 * 3600;

/** "99.9% (43 min 12 s of downtime per 30 days)" */
export function formatAvailability(target: number): string {
  const downtime = Math.round(((100 - target) / 100) * SECONDS_PER_30_DAYS);
  return `${formatScore(target)} (${formatSeconds(
    downtime,
  )} of downtime per 30 days)`;
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
