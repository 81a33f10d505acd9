import { InputError } from '@backstage/errors';
import { normalizeRegionRef } from '@meridian/plugin-regions-common';
import { RegionsBackendClient } from './regionsBackend';

/** The seed plan's readiness threshold, when the backend answers none. */
export const DEFAULT_READINESS_THRESHOLD = 94;

/**
 * Refuses when the hub's readiness score is missing or below the threshold,
 * naming the hub, its score and the checks that fail. Answers the score it
 * let through.
 */
export async function assertHubReady(options: {
  client: RegionsBackendClient;
  hub: string;
  /** The region being provisioned, for resolving a short hub ref. */
  namespace?: string;
}): Promise<{ hub: string; score: number; threshold: number }> {
  const hub = normalizeRegionRef(options.hub, {
    defaultNamespace: options.namespace,
  });
  const readiness = await options.client.readiness(hub);
  if (!readiness || typeof readiness.score !== 'number') {
    throw new InputError(
      `readiness of ${hub} has not been evaluated; provision once it has been, or set force to go ahead anyway`,
    );
  }
  const threshold =
    typeof readiness.threshold === 'number'
      ? readiness.threshold
      : DEFAULT_READINESS_THRESHOLD;
  if (readiness.score < threshold) {
    const failing = (readiness.categories ?? [])
      .flatMap(category => category.checks ?? [])
      .filter(check => check.result !== 'passed')
      .map(check => `${check.title} (${check.result}: ${check.evidence})`);
    const failingText =
      failing.length > 0 ? `; failing checks: ${failing.join('; ')}` : '';
    throw new InputError(
      `hub ${hub} is not ready: readiness ${formatScore(
        readiness.score,
      )} % is below the threshold of ${threshold} %${failingText}. Nothing was changed; set force to provision anyway.`,
    );
  }
  return { hub, score: readiness.score, threshold };
}

function formatScore(score: number): string {
  return Number.isInteger(score) ? String(score) : score.toFixed(1);
}
