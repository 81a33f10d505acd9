import {
  CostBreakdown,
  CostDay,
  CostResponse,
  CostSummaryResponse,
  CostWindow,
  COST_WINDOW_DAYS,
} from '@meridian/plugin-regions-common';

/** When the costs of the fixtures were read. */
export const costCollectedAt = '2026-11-20T12:00:00.000Z';

/** A day of studio-primary: 150 in all, of which 20 idle. */
const dayBreakdown: CostBreakdown = {
  cpu: 80,
  gpu: 0,
  ram: 40,
  storage: 10,
  network: 0,
  loadBalancer: 0,
  shared: 0,
  external: 0,
  idle: 20,
};

function days(window: CostWindow): CostDay[] {
  const count = COST_WINDOW_DAYS[window];
  const last = Date.parse('2026-11-20T00:00:00Z');
  return Array.from({ length: count }, (_, i) => ({
    date: new Date(last - (count - 1 - i) * 86_400_000)
      .toISOString()
      .slice(0, 10),
    total: 150,
    breakdown: dayBreakdown,
  }));
}

/** The hub studio-primary, within its budget, with two spokes. */
export function hubCost(window: CostWindow = '30d'): CostResponse {
  const count = COST_WINDOW_DAYS[window];
  const breakdown = Object.fromEntries(
    Object.entries(dayBreakdown).map(([bucket, amount]) => [
      bucket,
      amount * count,
    ]),
  ) as CostBreakdown;
  return {
    region: 'region:default/studio-primary',
    observed: true,
    source: 'opencost',
    clusters: ['sp-prod-1', 'sp-prod-2'],
    currency: 'USD',
    window,
    daily: days(window),
    total: 150 * count,
    breakdown,
    efficiency: { cpu: 0.5, ram: 0.8, total: 0.6 },
    previous: { total: 120 * count, change: 0.25, days: count },
    month: {
      region: 'region:default/studio-primary',
      monthToDate: 3000,
      forecast: 4615.38,
      budget: { monthly: 6000, currency: 'USD' },
      status: 'ok',
      collectedAt: costCollectedAt,
    },
    failedAt: null,
    idleEstimated: false,
    spokes: [
      {
        region: 'region:default/studio-sul',
        monthToDate: 2500,
        forecast: 3846.15,
        budget: { monthly: 3500, currency: 'USD' },
        status: 'at-risk',
        collectedAt: costCollectedAt,
      },
      {
        region: 'region:default/studio-pelotas',
        monthToDate: 1200,
        forecast: 1846.15,
        budget: { monthly: 1000, currency: 'USD' },
        status: 'over',
        collectedAt: costCollectedAt,
      },
    ],
  };
}

/** Every region's month, as `GET /costs` answers it for the fixtures. */
export function costSummary(): CostSummaryResponse {
  const hub = hubCost();
  const regions = [hub.month, ...hub.spokes];
  return {
    currency: 'USD',
    regions,
    total: {
      monthToDate: regions.reduce((sum, r) => sum + r.monthToDate, 0),
      forecast: regions.reduce((sum, r) => sum + r.forecast, 0),
    },
  };
}
