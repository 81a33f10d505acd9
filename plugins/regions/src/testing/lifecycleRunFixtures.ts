import {
  FAILOVER_STEP_IDS,
  FailoverRun,
} from '@meridian/plugin-regions-common';
import {
  at,
  failoverRun,
  failoverStartedAt,
  passingPreflight,
  step,
} from './failoverFixtures';

/** When Patroni promoted studio-sul on its own: a day before the newest run. */
export const detectedAt = '2026-09-19T14:02:07.000Z';

/** studio-sul promoted by Patroni, seen by Meridian from its timeline history. */
export function detectedFailover(): FailoverRun {
  return failoverRun({
    id: 'run-detected',
    mode: 'detected',
    status: 'succeeded',
    createdBy: 'patroni',
    createdAt: detectedAt,
    finishedAt: detectedAt,
    preflight: [],
    steps: [
      step('detected', detectedAt, 'succeeded', { startMs: 0, endMs: 0 }, [
        [0, 'studio-sul-db left recovery on timeline 4'],
      ]),
    ],
    rtoMs: 18_400,
    dataLossBytes: 12 * 1024,
    detection: {
      promotedAt: detectedAt,
      promotedAtFrom: 'node',
      timeline: 4,
      promotedBy: 'patroni',
      evidence: [
        'studio-sul-db: pg_is_in_recovery() false at 14:02:10, true at 14:02:00',
        'studio-sul-db 00000004.history: 3 0/5000060 no recovery target specified',
        'Patroni cluster studio: leader studio-primary-db → studio-sul-db',
      ],
    },
  });
}

/** A promotion only the samples saw: nothing says who made it, nor what was lost. */
export function detectedFromSamples(): FailoverRun {
  const run = detectedFailover();
  return {
    ...run,
    id: 'run-detected-samples',
    createdBy: 'unknown',
    rtoMs: null,
    dataLossBytes: null,
    detection: {
      promotedAt: detectedAt,
      promotedAtFrom: 'samples',
      timeline: null,
      promotedBy: null,
      evidence: ['studio-sul-db answered as a primary at 14:02:10'],
    },
  };
}

/** When the run awaiting approval was started: 2 min before the tests' clock. */
const awaitingSince = at(failoverStartedAt, -120_000);

/**
 * A switchover started by ana, its pre-flight passed, waiting for 2
 * approvals (carla's given), until 30 min after it started.
 */
export function awaitingApprovalSwitchover(
  approvals: FailoverRun['approvals'] = [
    { by: 'user:default/carla', at: at(awaitingSince, 60_000) },
  ],
): FailoverRun {
  return failoverRun({
    id: 'run-awaiting',
    mode: 'switchover',
    approvalsRequired: 2,
    approvals,
    approvalDeadline: at(awaitingSince, 30 * 60_000),
    status: 'awaiting-approval',
    createdBy: 'user:default/ana',
    createdAt: awaitingSince,
    preflight: passingPreflight(),
    steps: [
      step('preflight', awaitingSince, 'succeeded', { startMs: 0, endMs: 100 }),
      step('approval', awaitingSince, 'running', { startMs: 100 }, [
        [60_000, 'approved by user:default/carla (1 of 2)'],
      ]),
      ...FAILOVER_STEP_IDS.slice(1).map(id =>
        step(id, awaitingSince, 'pending'),
      ),
    ],
  });
}

/** What a switchover cancelled between its fence and its promotion says it changed. */
export const cancelledBetweenSteps =
  'Cancelled between steps: studio-primary-db was fenced (the application roles are locked out); studio-sul-db was not promoted and traffic was not switched. Unfence studio-primary-db to take writes there again.';

/** A switchover bruno cancelled while it ran, after the fence. */
export function cancelledSwitchover(): FailoverRun {
  const base = '2026-09-20T10:00:00.000Z';
  return failoverRun({
    id: 'run-cancelled',
    mode: 'switchover',
    status: 'cancelled',
    cancelledBy: 'user:default/bruno',
    createdBy: 'user:default/ana',
    createdAt: base,
    finishedAt: at(base, 700),
    preflight: passingPreflight(),
    steps: FAILOVER_STEP_IDS.map((id, index) =>
      index < 2
        ? step(id, base, 'succeeded', {
            startMs: index * 300,
            endMs: (index + 1) * 300,
          })
        : step(id, base, 'skipped'),
    ),
    error: cancelledBetweenSteps,
  });
}

/** A switchover nobody approved within its 30 minutes. */
export function expiredSwitchover(): FailoverRun {
  const base = '2026-09-20T08:00:00.000Z';
  return {
    ...awaitingApprovalSwitchover([]),
    id: 'run-expired',
    approvalsRequired: 1,
    approvalDeadline: at(base, 30 * 60_000),
    status: 'expired',
    createdAt: base,
    finishedAt: at(base, 30 * 60_000),
    steps: [
      step('preflight', base, 'succeeded', { startMs: 0, endMs: 100 }),
      step('approval', base, 'failed', { startMs: 100, endMs: 30 * 60_000 }),
      ...FAILOVER_STEP_IDS.slice(1).map(id => step(id, base, 'skipped')),
    ],
  };
}
