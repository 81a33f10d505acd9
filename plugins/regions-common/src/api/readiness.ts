/**
 * Production readiness, as `GET /regions/:namespace/:name/readiness` of the
 * regions backend answers it.
 */

/** The six categories of the seed scorecard. @public */
export const READINESS_CATEGORIES = [
  'infrastructure',
  'observability',
  'deployment',
  'security',
  'backup-dr',
  'documentation',
] as const;
/** @public */
export type ReadinessCategoryId = (typeof READINESS_CATEGORIES)[number];

/** @public */
export type ReadinessCheckResult = 'passed' | 'failed' | 'unknown';

/** One check's verdict. @public */
export interface ReadinessCheckOutcome {
  id: string;
  title: string;
  category: ReadinessCategoryId;
  result: ReadinessCheckResult;
  /** The fact that decided it, e.g. `lag within RPO in 99.7 % of the last 24 h`. */
  evidence: string;
  /** ISO time of the fact, when it has one. */
  evidenceAt?: string | null;
  /** How to fix a failing or unknown check. */
  remediation?: string;
  /**
   * For a check that grades its evidence: the share (0–1) of its weight a
   * pass earns, less than 1 while there is little evidence. Absent: a pass
   * earns it all.
   */
  credit?: number;
  /** The span the evidence was observed over, ISO times, when it has one. */
  observed?: { from: string; to: string };
  weight: number;
  /** ISO time of the evaluation. */
  evaluatedAt: string;
}

/** A category's score and checks. @public */
export interface ReadinessCategory {
  id: ReadinessCategoryId;
  title: string;
  /** 0–100. */
  score: number;
  weight: number;
  checks: ReadinessCheckOutcome[];
}

/** Answer of `GET /api/regions/regions/:namespace/:name/readiness`. @public */
export interface ReadinessResponse {
  region: string;
  /** 0–100, weighted over the categories. */
  score: number;
  threshold: number;
  /** `score >= threshold`. */
  ready: boolean;
  evaluatedAt: string | null;
  categories: ReadinessCategory[];
  /** The score over time, oldest first. */
  history: { t: string; score: number }[];
}
