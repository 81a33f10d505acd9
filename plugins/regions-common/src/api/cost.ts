/**
 * Region costs, as `GET /regions/:namespace/:name/cost` and `GET /costs` of
 * the regions backend answer them.
 */

/** Windows the cost route accepts: the last 7, 30 or 90 days, today included. @public */
export const COST_WINDOWS = ['7d', '30d', '90d'] as const;
/** @public */
export type CostWindow = (typeof COST_WINDOWS)[number];

/** The days each cost window spans. @public */
export const COST_WINDOW_DAYS: Record<CostWindow, number> = {
  '7d': 7,
  '30d': 30,
  '90d': 90,
};

/**
 * The buckets a cost breaks down into; together they add up to the total.
 * Each OpenCost `*CostAdjustment` is folded into its bucket, and `idle` is
 * the cost of capacity no workload requested (OpenCost's `__idle__`).
 * @public
 */
export const COST_BUCKETS = [
  'cpu',
  'gpu',
  'ram',
  'storage',
  'network',
  'loadBalancer',
  'shared',
  'external',
  'idle',
] as const;
/** @public */
export type CostBucket = (typeof COST_BUCKETS)[number];

/** An amount per bucket. @public */
export type CostBreakdown = Record<CostBucket, number>;

/**
 * A region's month against its budget: `over` once month-to-date spend is
 * above the monthly budget, `at-risk` while the month-end forecast is above
 * it, `ok` below; `unknown` without a budget, without cost data, or when the
 * budget is in another currency than the costs.
 * @public
 */
export type BudgetStatus = 'ok' | 'at-risk' | 'over' | 'unknown';

/** One day of a region's cost. @public */
export interface CostDay {
  /** The UTC day, `YYYY-MM-DD`. */
  date: string;
  total: number;
  breakdown: CostBreakdown;
}

/**
 * How much of what was requested was used, 0–1 (above 1 when usage exceeds
 * requests); null when nothing was requested.
 * @public
 */
export interface CostEfficiency {
  /** CPU core usage over CPU core requests, weighted by time. */
  cpu: number | null;
  /** RAM byte usage over RAM byte requests, weighted by time. */
  ram: number | null;
  /** CPU and RAM efficiency weighted by their cost, as OpenCost defines `totalEfficiency`. */
  total: number | null;
}

/** A region's month so far, as the Regions page and a hub's spokes show it. @public */
export interface RegionCostSummary {
  region: string;
  /** Spend from the 1st of the month (UTC) to now. */
  monthToDate: number;
  /** Linear month-end forecast: month-to-date over elapsed days times days in the month. */
  forecast: number;
  /** The monthly budget from `spec.budget`, when declared. */
  budget?: { monthly: number; currency: string };
  status: BudgetStatus;
  /** When the region's costs were last read successfully; null before that. */
  collectedAt: string | null;
}

/** Answer of `GET /api/regions/regions/:namespace/:name/cost`. @public */
export interface CostResponse {
  region: string;
  /** True when a cost source reads this region's costs. */
  observed: boolean;
  /** The source that read them (`opencost`), when one does. */
  source?: string;
  /** The clusters whose costs make up the region. */
  clusters: string[];
  /** ISO 4217 code of every amount (`regions.opencost.currency`). */
  currency: string;
  window: CostWindow;
  /** One entry per day of the window, oldest first; days without data are absent. */
  daily: CostDay[];
  /** Total over the window. */
  total: number;
  /** Over the window; adds up to `total`. */
  breakdown: CostBreakdown;
  efficiency: CostEfficiency;
  /** The same window just before this one, for comparison. */
  previous: {
    total: number;
    /** `(total - previous) / previous`; null when the previous window cost nothing or has no data. */
    change: number | null;
    /** How many of its days have data. */
    days: number;
  };
  month: RegionCostSummary;
  /** Why there is no data or the data may be old, in a sentence; absent when all is well. */
  problem?: string;
  /** When the last attempt to read costs failed, when it did. */
  failedAt?: string | null;
  /** True when part of the idle cost was shared out from an OpenCost that also serves other regions' clusters. */
  idleEstimated: boolean;
  /** For a hub: each spoke's month so far. */
  spokes: RegionCostSummary[];
  /** True when the costs are generated demo data (`regions.opencost.demo`), not a real OpenCost's. */
  demo?: boolean;
}

/** Answer of `GET /api/regions/costs`: every region's month so far. @public */
export interface CostSummaryResponse {
  currency: string;
  /** True when the costs are generated demo data (`regions.opencost.demo`), not a real OpenCost's. */
  demo?: boolean;
  regions: RegionCostSummary[];
  /** Sums over `regions`. */
  total: { monthToDate: number; forecast: number };
}

/** The budget status of a month so far. @public */
export function budgetStatusOf(
  monthToDate: number,
  forecast: number,
  monthlyBudget: number | undefined,
): BudgetStatus {
  if (monthlyBudget === undefined) {
    return 'unknown';
  }
  if (monthToDate > monthlyBudget) {
    return 'over';
  }
  return forecast > monthlyBudget ? 'at-risk' : 'ok';
}

/** A breakdown with every bucket at zero. @public */
export function emptyCostBreakdown(): CostBreakdown {
  return Object.fromEntries(
    COST_BUCKETS.map(bucket => [bucket, 0]),
  ) as CostBreakdown;
}
