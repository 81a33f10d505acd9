import {
  ActiveFailoversResponse,
  CostSummaryResponse,
  TopologyResponse,
} from '@meridian/plugin-regions-common';

/** What the home page counts, each over all regions. */
export interface GlanceCounts {
  regions: number;
  /** Replication lag above the RPO now. */
  breachingRpo: number;
  /** A readiness score below the threshold. */
  notReady: number;
  /** No readiness scorecard yet. */
  notEvaluated: number;
  /** Probes failing: down, or degraded. */
  down: number;
  degraded: number;
  /** Spend above the monthly budget already; undefined without cost data. */
  overBudget?: number;
  /** Forecast above the budget, spend not yet. */
  atRisk?: number;
  /**
   * Regions a run in progress names as its source or target; undefined when
   * the runs could not be read.
   */
  inRun?: number;
}

/**
 * Counts what needs looking at, from one `/topology`, one `/costs` and one
 * `/failovers?status=active` answer.
 */
export function glanceCounts(
  topology: TopologyResponse,
  costs?: CostSummaryResponse,
  activeRuns?: ActiveFailoversResponse,
): GlanceCounts {
  const regions = topology.regions;
  const count = (test: (region: (typeof regions)[number]) => boolean) =>
    regions.filter(test).length;
  return {
    regions: regions.length,
    breachingRpo: count(r => r.replication?.status === 'breach'),
    notReady: count(r => r.readiness?.ready === false),
    notEvaluated: count(r => !r.readiness),
    down: count(r => r.health?.status === 'down'),
    degraded: count(r => r.health?.status === 'degraded'),
    overBudget: costs?.regions.filter(r => r.status === 'over').length,
    atRisk: costs?.regions.filter(r => r.status === 'at-risk').length,
    inRun:
      activeRuns &&
      new Set(activeRuns.runs.flatMap(run => [run.region, run.target])).size,
  };
}
