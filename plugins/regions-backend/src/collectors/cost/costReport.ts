import {
  budgetStatusOf,
  COST_BUCKETS,
  COST_WINDOW_DAYS,
  CostBreakdown,
  CostDay,
  CostEfficiency,
  CostResponse,
  CostWindow,
  emptyCostBreakdown,
  RegionCostSummary,
  RegionEntity,
} from '@meridian/plugin-regions-common';
import { CostReadState, StoredCostDay } from '../../database/CostStore';
import { addDays, startOfUtcDay, utcDay } from './days';

/** The UTC days, inclusive, of a window ending today and of the one before it. */
export function windowDays(window: CostWindow, now: Date) {
  const days = COST_WINDOW_DAYS[window];
  const today = startOfUtcDay(now);
  return {
    from: utcDay(addDays(today, -(days - 1))),
    to: utcDay(today),
    previousFrom: utcDay(addDays(today, -(2 * days - 1))),
    previousTo: utcDay(addDays(today, -days)),
  };
}

/** The UTC days, inclusive, of the month so far. */
export function monthDays(now: Date) {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  return { from: utcDay(start), to: utcDay(now), start };
}

/**
 * The month so far against the region's budget. The forecast extends the
 * month-to-date spend linearly from the elapsed part of the month that the
 * data covers (up to the last read, not to now, so an hour-old read does not
 * look like a cheap hour) over the whole month.
 */
export function summarizeMonth(options: {
  region: RegionEntity;
  regionRef: string;
  monthToDate: number;
  state?: CostReadState;
  currency: string;
  now: Date;
}): RegionCostSummary & { problem?: string } {
  const { region, regionRef, monthToDate, state, currency, now } = options;
  const { start } = monthDays(now);
  const monthEnd = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1),
  );
  const coveredUntil = state?.collectedAt
    ? Math.min(state.collectedAt.getTime(), now.getTime())
    : undefined;
  const elapsedMs =
    coveredUntil !== undefined ? coveredUntil - start.getTime() : 0;
  const monthMs = monthEnd.getTime() - start.getTime();
  const forecast =
    elapsedMs > 0 ? (monthToDate * monthMs) / elapsedMs : monthToDate;

  const declared = region.spec.budget;
  const budgetCurrency = declared?.currency ?? currency;
  let status = budgetStatusOf(monthToDate, forecast, declared?.monthly);
  let problem: string | undefined;
  if (declared?.monthly !== undefined && budgetCurrency !== currency) {
    status = 'unknown';
    problem = `the budget is in ${budgetCurrency} but costs are in ${currency}; OpenCost does not convert currencies`;
  } else if (declared?.monthly !== undefined && elapsedMs <= 0) {
    status = 'unknown';
  }
  return {
    region: regionRef,
    monthToDate,
    forecast,
    budget:
      declared?.monthly !== undefined
        ? { monthly: declared.monthly, currency: budgetCurrency }
        : undefined,
    status,
    collectedAt: state?.collectedAt?.toISOString() ?? null,
    ...(problem ? { problem } : {}),
  };
}

function sumBreakdowns(days: StoredCostDay[]): CostBreakdown {
  const sum = emptyCostBreakdown();
  for (const day of days) {
    for (const bucket of COST_BUCKETS) {
      sum[bucket] += day.breakdown[bucket];
    }
  }
  return sum;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** CPU and RAM efficiency over the days, and their cost-weighted total as OpenCost computes `totalEfficiency`. */
export function efficiencyOf(days: StoredCostDay[]): CostEfficiency {
  const sum = (pick: (day: StoredCostDay) => number) =>
    days.reduce((total, day) => total + pick(day), 0);
  const cpu = ratio(
    sum(d => d.cpuCoreUsageMinutes),
    sum(d => d.cpuCoreRequestMinutes),
  );
  const ram = ratio(
    sum(d => d.ramByteUsageMinutes),
    sum(d => d.ramByteRequestMinutes),
  );
  const cpuCost = sum(d => d.breakdown.cpu);
  const ramCost = sum(d => d.breakdown.ram);
  const weighted =
    (cpu !== null ? cpu * cpuCost : 0) + (ram !== null ? ram * ramCost : 0);
  const weights = (cpu !== null ? cpuCost : 0) + (ram !== null ? ramCost : 0);
  return { cpu, ram, total: ratio(weighted, weights) };
}

/** The cost answer of one region from its stored days and latest read. */
export function buildCostResponse(options: {
  region: RegionEntity;
  regionRef: string;
  window: CostWindow;
  days: StoredCostDay[];
  previousDays: StoredCostDay[];
  monthToDate: number;
  state?: CostReadState;
  sourceId?: string;
  clusters: string[];
  currency: string;
  spokes: RegionCostSummary[];
  now: Date;
}): CostResponse {
  const { days, previousDays, state, now } = options;
  const total = days.reduce((sum, day) => sum + day.total, 0);
  const previousTotal = previousDays.reduce((sum, day) => sum + day.total, 0);
  const { problem: monthProblem, ...month } = summarizeMonth({
    region: options.region,
    regionRef: options.regionRef,
    monthToDate: options.monthToDate,
    state,
    currency: options.currency,
    now,
  });

  let problem: string | undefined;
  if (!options.sourceId) {
    problem =
      'OpenCost is not configured: set regions.opencost.baseUrl or regions.opencost.instances in the app config';
  } else if (state?.error) {
    problem = `the last read of costs failed: ${state.error}`;
  } else if (!state) {
    problem = 'no costs read yet; the collector reads them on its next run';
  } else {
    problem = monthProblem;
  }

  const daily: CostDay[] = days.map(day => ({
    date: day.date,
    total: day.total,
    breakdown: day.breakdown,
  }));
  return {
    region: options.regionRef,
    observed: options.sourceId !== undefined,
    source: options.sourceId ?? state?.source,
    clusters: options.clusters,
    currency: options.currency,
    window: options.window,
    daily,
    total,
    breakdown: sumBreakdowns(days),
    efficiency: efficiencyOf(days),
    previous: {
      total: previousTotal,
      change:
        previousDays.length > 0 && previousTotal > 0
          ? (total - previousTotal) / previousTotal
          : null,
      days: previousDays.length,
    },
    month,
    ...(problem ? { problem } : {}),
    failedAt: state?.error ? state.failedAt?.toISOString() ?? null : null,
    idleEstimated: state?.idleEstimated ?? false,
    spokes: options.spokes,
  };
}
