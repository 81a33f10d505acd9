import {
  READINESS_CATEGORIES,
  ReadinessCategory,
  ReadinessCategoryId,
  ReadinessCheckOutcome,
} from '@meridian/plugin-regions-common';
import { ReadinessSettings } from './config';

/** The seed scorecard's names of the categories. */
export const READINESS_CATEGORY_TITLES: Record<ReadinessCategoryId, string> = {
  infrastructure: 'Infrastructure',
  observability: 'Observability',
  deployment: 'Deployment',
  security: 'Security',
  'backup-dr': 'Backup & DR',
  documentation: 'Documentation',
};

// One decimal: enough to tell 93.9 from 94 against the threshold.
function round(score: number): number {
  return Math.round(score * 10) / 10;
}

/** The weighted share of passed checks, 0–100; undefined when no check weighs anything. */
function weightedScore(
  parts: { weight: number; score: number }[],
): number | undefined {
  const total = parts.reduce((sum, part) => sum + part.weight, 0);
  if (total === 0) {
    return undefined;
  }
  return parts.reduce((sum, part) => sum + part.weight * part.score, 0) / total;
}

/**
 * Groups check outcomes into the six categories and weighs them: a category
 * scores the weighted share of its checks that passed (a pass on little
 * evidence counts its credit; failed and unknown count nothing), the region the weighted mean of its categories. A category
 * without applicable checks (or whose checks weigh 0) scores 100 and does not
 * count toward the region's score.
 */
export function scoreScorecard(
  outcomes: ReadinessCheckOutcome[],
  settings: Pick<ReadinessSettings, 'categoryWeights'>,
): { score: number; categories: ReadinessCategory[] } {
  const counted: { weight: number; score: number }[] = [];
  const categories = READINESS_CATEGORIES.map(id => {
    const checks = outcomes.filter(outcome => outcome.category === id);
    const weight = settings.categoryWeights[id] ?? 1;
    const score = weightedScore(
      checks.map(check => ({
        weight: check.weight,
        score: check.result === 'passed' ? 100 * (check.credit ?? 1) : 0,
      })),
    );
    if (score !== undefined) {
      counted.push({ weight, score });
    }
    return {
      id,
      title: READINESS_CATEGORY_TITLES[id],
      score: round(score ?? 100),
      weight,
      checks,
    };
  });
  return { score: round(weightedScore(counted) ?? 0), categories };
}
