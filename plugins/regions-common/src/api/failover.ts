/**
 * Failover runs, as `POST /failovers`, `GET /failovers/:id` and
 * `GET /regions/:namespace/:name/failovers` of the regions backend answer them.
 */

/** @public */
export const FAILOVER_MODES = ['drill', 'switchover', 'failover'] as const;
/**
 * `drill` runs the pre-flight checks and changes nothing; `switchover` is
 * planned (fence, wait for replay, promote: loses nothing); `failover` is an
 * emergency promotion with the primary lost.
 * @public
 */
export type FailoverMode = (typeof FAILOVER_MODES)[number];

/** @public */
export type FailoverRunStatus =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'refused'
  | 'interrupted';

/** The recorded steps of a run, in order. @public */
export const FAILOVER_STEP_IDS = [
  'preflight',
  'fence',
  'promote',
  'switch-traffic',
  'verify',
  'record',
] as const;
/** @public */
export type FailoverStepId = (typeof FAILOVER_STEP_IDS)[number];

/** @public */
export type FailoverStepStatus =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'skipped';

/** One line of a step's log. @public */
export interface FailoverLogLine {
  /** ISO time. */
  t: string;
  message: string;
}

/** One recorded step of a run. @public */
export interface FailoverStep {
  id: FailoverStepId;
  title: string;
  status: FailoverStepStatus;
  startedAt: string | null;
  finishedAt: string | null;
  log: FailoverLogLine[];
  /** Why it failed, for an operator: what was and was not changed. */
  error?: string;
}

/** A pre-flight check and its verdict. @public */
export interface FailoverPreflightCheck {
  id: string;
  title: string;
  passed: boolean;
  /** The fact that decided it, e.g. `lag 12 KiB ≤ limit 1 MiB`. */
  detail: string;
  /** Whether `force` may override a failure of this check. */
  forcible: boolean;
}

/** A failover run. @public */
export interface FailoverRun {
  id: string;
  /** Entity ref of the region whose primary is failed over, e.g. `region:default/us-east`. */
  region: string;
  /** Entity ref of the standby region that is promoted. */
  target: string;
  mode: FailoverMode;
  dryRun: boolean;
  force: boolean;
  status: FailoverRunStatus;
  /** User entity ref of who started it. */
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
  steps: FailoverStep[];
  preflight: FailoverPreflightCheck[];
  /** Write unavailability measured by the run, in milliseconds; null until measured. */
  rtoMs: number | null;
  /** WAL bytes the promoted node had not replayed when it was promoted (0 for a switchover). */
  dataLossBytes: number | null;
  /** Why the run failed or was refused, and what was and was not changed. */
  error?: string;
}

/** Body of `POST /failovers`. @public */
export interface FailoverRequest {
  /** Entity ref of the region whose primary is failed over. */
  region: string;
  /** Entity ref of the standby region to promote. */
  target: string;
  mode: FailoverMode;
  /** Pre-flight only, as a drill, whatever `mode` says. */
  dryRun?: boolean;
  /** Overrides the pre-flight checks that may safely be overridden. */
  force?: boolean;
}

/** Answer of `POST /failovers` (202). @public */
export interface FailoverStartResponse {
  id: string;
  status: FailoverRunStatus;
}

/** Answer of `GET /regions/:namespace/:name/failovers`. @public */
export interface FailoverRunsResponse {
  runs: FailoverRun[];
}
