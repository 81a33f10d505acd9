import {
  ReadinessCategoryId,
  ReadinessCheckResult,
  RegionConflict,
  RegionEntity,
} from '@meridian/plugin-regions-common';

/**
 * What a readiness check gets for one region in one evaluation.
 * @public
 */
export interface ReadinessCheckContext {
  region: RegionEntity;
  /** The region's canonical ref, `region:namespace/name`. */
  regionRef: string;
  /** The conflicts of the last catalog sync that name this region. */
  conflicts: RegionConflict[];
  /** Every valid region of the last catalog sync, this one included. */
  regions: RegionEntity[];
  /** When the catalog was last read. */
  syncedAt: Date | null;
  /** The time of this evaluation; the same for every region of one run. */
  now: Date;
  /** Aborted when the check times out or the evaluation is cancelled. */
  signal: AbortSignal;
}

/**
 * A check's verdict on one region.
 * @public
 */
export interface ReadinessCheckVerdict {
  result: ReadinessCheckResult;
  /**
   * The fact that decided it, in a sentence a user reads, e.g.
   * `lag within RPO 60 s in 99.7 % of 8,640 samples over the last 24 h`.
   * Never a secret or connection string.
   */
  evidence: string;
  /** When that fact was observed, when it has a time. */
  evidenceAt?: Date | null;
  /** How to fix it; defaults to the check's own `remediation`. */
  remediation?: string;
  /**
   * For a check that grades its evidence: the share (0–1) of its weight a
   * pass earns, e.g. 0.25 after 6 of the 24 hours it wants observed. Default
   * 1 for a pass; failed and unknown earn nothing whatever it says.
   */
  credit?: number;
  /** The span the evidence was observed over, shown with it. */
  observed?: { from: Date; to: Date };
}

/**
 * One production-readiness check of the regions backend's scorecard. The
 * backend evaluates every check on every region it applies to, on a schedule.
 * A check that throws or times out counts as `unknown` with the error as
 * evidence; it never stops the evaluation of the others.
 * @public
 */
export interface ReadinessCheck {
  /** Unique across all checks, e.g. `velero-backup-fresh`; the key of its weight in config. */
  readonly id: string;
  /** Shown to users, e.g. `Velero backup in the last 24 h`. */
  readonly title: string;
  readonly category: ReadinessCategoryId;
  /**
   * Weight within its category when `regions.readiness.weights.checks.<id>`
   * does not set one. Default 1.
   */
  readonly weight?: number;
  /** How to fix a failing check, when the verdict does not say. */
  readonly remediation?: string;
  /**
   * False when the check makes no sense for the region (e.g. a residency law
   * for a country that has none): the check is left out of its scorecard.
   * Applies to every region when absent.
   */
  appliesTo?(region: RegionEntity): boolean;
  evaluate(
    context: ReadinessCheckContext,
  ): ReadinessCheckVerdict | Promise<ReadinessCheckVerdict>;
}
