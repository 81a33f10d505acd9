import { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { toError } from '@backstage/errors';
import {
  ReadinessCheckOutcome,
  ReadinessResponse,
  RegionConflict,
  RegionEntity,
  TopologyReadiness,
} from '@meridian/plugin-regions-common';
import {
  ReadinessCheck,
  ReadinessCheckVerdict,
} from '@meridian/plugin-regions-node';
import { DatabaseRegionsStore } from '../database/DatabaseRegionsStore';
import {
  ReadinessEvaluation,
  ReadinessStore,
} from '../database/ReadinessStore';
import { ReadinessSettings } from './config';
import { scoreScorecard } from './scoring';

/** How long one check may take on one region before it counts as unknown. */
const DEFAULT_CHECK_TIMEOUT_MS = 10_000;

/**
 * Evaluates every readiness check on every region of the catalog snapshot,
 * stores the scorecards and their scores, and answers the readiness route.
 */
export class ReadinessEvaluator {
  constructor(
    private readonly options: {
      regions: DatabaseRegionsStore;
      store: ReadinessStore;
      checks: ReadinessCheck[];
      settings: ReadinessSettings;
      logger: LoggerService;
      checkTimeoutMs?: number;
    },
  ) {}

  get threshold(): number {
    return this.options.settings.threshold;
  }

  /** Evaluates and stores every region of the snapshot, then prunes. */
  async run(signal?: AbortSignal): Promise<void> {
    const { regions, conflicts, syncedAt } =
      await this.options.regions.getSnapshot();
    const now = new Date();
    const evaluations = await Promise.all(
      regions.map(region =>
        this.evaluate({ region, regions, conflicts, syncedAt, now }, signal),
      ),
    );
    await this.record(evaluations);
    await this.options.store.prune(
      regions.map(r => stringifyEntityRef(r)),
      now,
    );
  }

  /** Every evaluated region's latest score against the threshold, by ref. */
  async getLatestScores(): Promise<Map<string, TopologyReadiness>> {
    const scores = await this.options.store.getLatestScores();
    return new Map(
      [...scores].map(([ref, { score, evaluatedAt }]) => [
        ref,
        {
          score,
          ready: score >= this.threshold,
          evaluatedAt: evaluatedAt.toISOString(),
        },
      ]),
    );
  }

  /**
   * The region's readiness answer: the stored scorecard, or one evaluated
   * now when the region has none yet.
   */
  async getReadiness(regionRef: string): Promise<ReadinessResponse> {
    let evaluation = await this.options.store.getLatest(regionRef);
    if (!evaluation) {
      const { regions, conflicts, syncedAt } =
        await this.options.regions.getSnapshot();
      const region = regions.find(r => stringifyEntityRef(r) === regionRef);
      if (region) {
        evaluation = await this.evaluateAndStore({
          region,
          regions,
          conflicts,
          syncedAt,
          now: new Date(),
        });
      }
    }
    const score = evaluation?.score ?? 0;
    return {
      region: regionRef,
      score,
      threshold: this.threshold,
      ready: evaluation !== undefined && score >= this.threshold,
      evaluatedAt: evaluation?.evaluatedAt.toISOString() ?? null,
      categories: evaluation?.categories ?? [],
      history: await this.options.store.getTrend(regionRef),
    };
  }

  /** Scores one region with every check that applies to it. */
  async evaluate(
    snapshot: {
      region: RegionEntity;
      regions: RegionEntity[];
      conflicts: RegionConflict[];
      syncedAt: Date | null;
      now: Date;
    },
    signal?: AbortSignal,
  ): Promise<ReadinessEvaluation> {
    const { region, conflicts, now } = snapshot;
    const regionRef = stringifyEntityRef(region);
    const { checks, settings } = this.options;
    const applicable = checks.filter(
      check => check.appliesTo?.(region) ?? true,
    );
    const outcomes = await Promise.all(
      applicable.map(async (check): Promise<ReadinessCheckOutcome> => {
        const verdict = await this.runCheck(
          check,
          {
            ...snapshot,
            regionRef,
            conflicts: conflicts.filter(c => c.regions.includes(regionRef)),
          },
          signal,
        );
        const remediation =
          verdict.result === 'passed'
            ? undefined
            : verdict.remediation ?? check.remediation;
        return {
          id: check.id,
          title: check.title,
          category: check.category,
          result: verdict.result,
          evidence: verdict.evidence,
          evidenceAt: isoTimeOf(verdict.evidenceAt),
          ...(remediation ? { remediation } : {}),
          ...(verdict.credit !== undefined ? { credit: verdict.credit } : {}),
          ...(verdict.observed
            ? {
                observed: {
                  from: verdict.observed.from.toISOString(),
                  to: verdict.observed.to.toISOString(),
                },
              }
            : {}),
          weight: settings.checkWeights[check.id] ?? check.weight ?? 1,
          evaluatedAt: now.toISOString(),
        };
      }),
    );
    return {
      regionRef,
      evaluatedAt: now,
      ...scoreScorecard(outcomes, settings),
    };
  }

  private async evaluateAndStore(
    snapshot: Parameters<ReadinessEvaluator['evaluate']>[0],
  ): Promise<ReadinessEvaluation> {
    const evaluation = await this.evaluate(snapshot);
    await this.record([evaluation]);
    return evaluation;
  }

  private async record(evaluations: ReadinessEvaluation[]): Promise<void> {
    try {
      await this.options.store.write(evaluations);
    } catch (error) {
      this.options.logger.error(
        `Could not store the readiness of ${
          evaluations.length === 1
            ? evaluations[0].regionRef
            : `${evaluations.length} regions`
        }: ${toError(error).message}`,
      );
    }
  }

  // A check that throws, times out or answers garbage is `unknown` with the
  // reason as evidence; the other checks are not affected.
  private async runCheck(
    check: ReadinessCheck,
    context: Omit<Parameters<ReadinessCheck['evaluate']>[0], 'signal'>,
    runSignal?: AbortSignal,
  ): Promise<ReadinessCheckVerdict> {
    const timeoutMs = this.options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
    const controller = new AbortController();
    const onRunAbort = () => controller.abort(runSignal?.reason);
    runSignal?.addEventListener('abort', onRunAbort);
    let timer: NodeJS.Timeout | undefined;
    try {
      const verdict = await Promise.race([
        Promise.resolve().then(() =>
          check.evaluate({ ...context, signal: controller.signal }),
        ),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => {
            const error = new Error(`did not answer within ${timeoutMs} ms`);
            controller.abort(error);
            reject(error);
          }, timeoutMs);
        }),
      ]);
      if (
        !verdict ||
        !['passed', 'failed', 'unknown'].includes(verdict.result) ||
        typeof verdict.evidence !== 'string'
      ) {
        throw new Error(
          `answered ${JSON.stringify(
            verdict,
          )}, not a verdict with a result of passed, failed or unknown and an evidence`,
        );
      }
      if (
        verdict.credit !== undefined &&
        !(verdict.credit >= 0 && verdict.credit <= 1)
      ) {
        throw new Error(
          `answered a credit of ${verdict.credit}, not a share between 0 and 1`,
        );
      }
      return verdict;
    } catch (error) {
      const message = toError(error).message;
      this.options.logger.warn(
        `Readiness check '${check.id}' failed on ${context.regionRef}: ${message}`,
      );
      return {
        result: 'unknown',
        evidence: `the check failed: ${message}`,
        evidenceAt: context.now,
      };
    } finally {
      clearTimeout(timer);
      runSignal?.removeEventListener('abort', onRunAbort);
    }
  }
}

// Checks from modules may hand back a date string rather than a Date.
function isoTimeOf(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) {
    return null;
  }
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
