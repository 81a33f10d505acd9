import type { RegionEntity } from '../entity/RegionEntity';
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

/**
 * What a recorded run is: a mode one can ask for, or `detected`, a promotion
 * Meridian observed but did not make (Patroni's own failover, a
 * `pg_promote` by hand).
 * @public
 */
export type FailoverRunMode = FailoverMode | 'detected';

/**
 * `awaiting-approval`: the pre-flight passed and the run waits for other
 * owners to approve it (`regions.failover.approvals`); `expired`: nobody did
 * within `regions.failover.approvalTimeout`; `cancelled`: someone stopped it.
 * @public
 */
export type FailoverRunStatus =
  | 'pending'
  | 'running'
  | 'awaiting-approval'
  | 'succeeded'
  | 'failed'
  | 'refused'
  | 'interrupted'
  | 'cancelled'
  | 'expired';

/** The steps every run records, in order. @public */
export const FAILOVER_STEP_IDS = [
  'preflight',
  'fence',
  'promote',
  'switch-traffic',
  'verify',
  'record',
] as const;
/**
 * A recorded step: one of {@link FAILOVER_STEP_IDS}; `approval`, after the
 * pre-flight of a run that needs approvals; `re-fence`, which the split-brain
 * guard appends to a finished run when its old primary took writes again and
 * was fenced anew; or `detected`, the one step of a detected run.
 * @public
 */
export type FailoverStepId =
  | (typeof FAILOVER_STEP_IDS)[number]
  | 'approval'
  | 're-fence'
  | 'detected';

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

/**
 * How the old primary was made safe before the target was promoted:
 * `sql` (fenced over its own connection), `patroni` (Patroni's leader lock),
 * `command` (a configured out-of-band command, e.g. powering the host off),
 * `attested` (the operator's account in `sourceFenced`), or a module's fencer.
 * @public
 */
export interface FailoverFence {
  method: string;
  /** What was done and observed, e.g. the command's exit code, or the attestation. */
  detail: string;
  /** ISO time. */
  at: string;
}

/** An owner's approval of a run. @public */
export interface FailoverApproval {
  /** User entity ref. */
  by: string;
  /** ISO time. */
  at: string;
}

/**
 * What Meridian could tell of a promotion it did not make (`mode: detected`).
 * @public
 */
export interface FailoverDetection {
  /** ISO time the node left recovery. */
  promotedAt: string;
  /** `node`: the time the node itself records (its timeline history file); `samples`: between two collector samples. */
  promotedAtFrom: 'node' | 'samples';
  /** The node's new timeline. */
  timeline: number | null;
  /** Who or what promoted it, when something says so (Patroni's history), else null. */
  promotedBy: string | null;
  /** How it was seen, line by line. */
  evidence: string[];
}

/** A failback that shifts traffic in steps (where the switches support weights). @public */
export interface FailoverCanary {
  /** The share of traffic on the target after each step, rising to 100, e.g. `[10, 25, 50, 100]`. */
  percents: number[];
  /** How long to hold each step before checking health and going on. Default 30. */
  pauseSeconds?: number;
}

/** A failover run. @public */
export interface FailoverRun {
  id: string;
  /** Entity ref of the region whose primary is failed over, e.g. `region:default/us-east`. */
  region: string;
  /** Entity ref of the standby region that is promoted. */
  target: string;
  mode: FailoverRunMode;
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
  /**
   * The operator's account of how the old primary was made safe (powered off,
   * isolated), given for an emergency failover of a source no fencer can fence.
   */
  sourceFenced?: string;
  /** How the old primary was fenced, once it was. */
  fence?: FailoverFence;
  /** How many times the run was resumed after an interruption. */
  resumes: number;
  /** How many approvals the run needs before it changes anything (0: none). */
  approvalsRequired: number;
  approvals: FailoverApproval[];
  /** ISO time a run awaiting approval expires. */
  approvalDeadline?: string;
  /** Who cancelled the run, when someone did. */
  cancelledBy?: string;
  /** For `mode: detected`: what Meridian could tell of the promotion. */
  detection?: FailoverDetection;
  /** For a canary failback: the traffic steps asked for. */
  canary?: FailoverCanary;
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
  /**
   * Mode `failover` only: what the operator did to make sure the old primary
   * is down or isolated (non-empty words, kept on the run and audited). Needed
   * when the source does not answer and no configured fencer can fence it.
   */
  sourceFenced?: string;
  /**
   * Mode `switchover` only: shift traffic to the target in steps (a failback
   * with a canary), where the traffic switches support weights.
   */
  canary?: FailoverCanary;
}

/**
 * Answer of `POST /failovers/preflight`: the pre-flight a run with this body
 * would do, evaluated now on the nodes, recording nothing and changing nothing.
 * @public
 */
export interface FailoverPreflightResponse {
  /** True when no check would stop the run (`force` counted as given in the body). */
  ok: boolean;
  checks: FailoverPreflightCheck[];
  /** How many other owners must approve the run after its pre-flight before it changes anything. */
  approvalsRequired: number;
  /** ISO time of the evaluation. */
  evaluatedAt: string;
}

/**
 * Answer of `POST /regions/:namespace/:name/drift/fix`: the landed entity as
 * rewritten (200), or the pull request opened on the file of a region defined
 * in a GitHub repository (201).
 * @public
 */
export type DriftFixResponse =
  | { entity: RegionEntity }
  | { pullRequest: { url: string; number: number } };

/** Answer of `POST /failovers` (202). @public */
export interface FailoverStartResponse {
  id: string;
  status: FailoverRunStatus;
}

/** Answer of `GET /regions/:namespace/:name/failovers`. @public */
export interface FailoverRunsResponse {
  runs: FailoverRun[];
}

/**
 * A run that is not over yet — `pending`, `awaiting-approval` or `running` —
 * as `GET /failovers?status=active` lists it across regions.
 * @public
 */
export interface ActiveFailoverRun {
  id: string;
  /** Entity ref of the region whose primary is failed over. */
  region: string;
  /** Entity ref of the standby region that is promoted. */
  target: string;
  mode: FailoverRunMode;
  dryRun: boolean;
  status: Extract<
    FailoverRunStatus,
    'pending' | 'awaiting-approval' | 'running'
  >;
  /** User entity ref (or service) of who started it. */
  createdBy: string;
  /** ISO time the run was started. */
  startedAt: string;
}

/** Answer of `GET /failovers?status=active`, newest first. @public */
export interface ActiveFailoversResponse {
  runs: ActiveFailoverRun[];
}
