import {
  FAILOVER_STEP_IDS,
  FailoverPreflightCheck,
  FailoverPreflightResponse,
  FailoverRun,
  FailoverStep,
  FailoverStepId,
} from '@meridian/plugin-regions-common';

/** When the newest fixture run started; the tests' clock is set from it. */
export const failoverStartedAt = '2026-09-20T12:00:00.000Z';

const STEP_TITLES: Record<FailoverStepId, string> = {
  preflight: 'Pre-flight checks',
  fence: 'Fence the old primary',
  promote: 'Promote the target',
  'switch-traffic': 'Switch traffic',
  verify: 'Verify writes and the new record',
  record: 'Record the run',
  approval: 'Approvals of the other owners',
  're-fence': 'Fence the old primary again',
  detected: 'Promotion observed',
};

/** `base` plus `offsetMs`, as an ISO time. */
export function at(base: string, offsetMs: number): string {
  return new Date(Date.parse(base) + offsetMs).toISOString();
}

/** A step that ran from `startMs` to `endMs` after `base`, with its log lines. */
export function step(
  id: FailoverStepId,
  base: string,
  status: FailoverStep['status'],
  timing?: { startMs: number; endMs?: number },
  log: Array<[number, string]> = [],
  error?: string,
): FailoverStep {
  return {
    id,
    title: STEP_TITLES[id],
    status,
    startedAt: timing ? at(base, timing.startMs) : null,
    finishedAt: timing?.endMs !== undefined ? at(base, timing.endMs) : null,
    log: log.map(([offsetMs, message]) => ({
      t: at(base, offsetMs),
      message,
    })),
    ...(error ? { error } : {}),
  };
}

/**
 * A run of studio-primary to studio-sul, neither a dry run nor forced, never
 * resumed, needing no approval and with nothing measured, but for what `run`
 * says.
 */
export function failoverRun(
  run: Pick<
    FailoverRun,
    'id' | 'mode' | 'status' | 'createdBy' | 'createdAt' | 'preflight' | 'steps'
  > &
    Partial<FailoverRun>,
): FailoverRun {
  return {
    region: 'region:default/studio-primary',
    target: 'region:default/studio-sul',
    dryRun: false,
    force: false,
    resumes: 0,
    approvalsRequired: 0,
    approvals: [],
    finishedAt: null,
    rtoMs: null,
    dataLossBytes: null,
    ...run,
  };
}

export function passingPreflight(): FailoverPreflightCheck[] {
  return [
    {
      id: 'exclusive',
      title: 'No other run holds the regions',
      passed: true,
      detail: 'no run in progress for region:default/studio-primary',
      forcible: false,
    },
    {
      id: 'target-healthy',
      title: 'Target is healthy',
      passed: true,
      detail: 'studio-sul-db answers, in recovery, receiver streaming',
      forcible: false,
    },
    {
      id: 'lag',
      title: 'Lag within the limit',
      passed: true,
      detail: 'lag 12 KiB ≤ limit 1 MiB',
      forcible: true,
    },
    {
      id: 'fence',
      title: 'The old primary can be fenced',
      passed: true,
      detail:
        'studio-primary-db answers: the sql fencer fences it and the fence is verified before the promotion',
      forcible: false,
    },
    {
      id: 'readiness',
      title: 'Readiness gate',
      passed: true,
      detail: 'readiness not evaluated',
      forcible: true,
    },
  ];
}

/** What `POST /failovers/preflight` answers while every check passes. */
export function passingPreview(): FailoverPreflightResponse {
  return {
    ok: true,
    checks: passingPreflight(),
    approvalsRequired: 0,
    evaluatedAt: failoverStartedAt,
  };
}

/** The fence check's verdict while studio-primary-db does not answer and no fencer can fence it. */
export const unfenceableDetail =
  'studio-primary-db does not answer and no fencer can fence it: it may only be frozen or cut off and come back taking writes. Make sure it is down or isolated and say what you did (sourceFenced), or configure regions.databases.studio-primary-db.fence';

/**
 * The pre-flight of an emergency failover with studio-primary-db lost: the
 * fence check fails until the operator says how it was made safe.
 */
export function unfenceablePreview(): FailoverPreflightResponse {
  return {
    ok: false,
    checks: passingPreflight().map(check =>
      check.id === 'fence'
        ? { ...check, passed: false, detail: unfenceableDetail }
        : check,
    ),
    // an emergency failover waits for another owner by default
    approvalsRequired: 1,
    evaluatedAt: failoverStartedAt,
  };
}

/** A switchover of studio-primary to studio-sul that succeeded with 412 ms of RTO. */
export function succeededSwitchover(): FailoverRun {
  const base = '2026-09-19T09:30:00.000Z';
  return failoverRun({
    id: 'run-switchover-1',
    mode: 'switchover',
    status: 'succeeded',
    createdBy: 'user:default/ana',
    createdAt: base,
    finishedAt: at(base, 1_850),
    preflight: passingPreflight(),
    steps: [
      step('preflight', base, 'succeeded', { startMs: 0, endMs: 120 }, [
        [40, 'lag 12 KiB ≤ limit 1 MiB'],
      ]),
      step('fence', base, 'succeeded', { startMs: 120, endMs: 640 }, [
        [130, 'CHECKPOINT on studio-primary-db'],
        [600, 'studio-primary-db stopped (pg_ctl stop -m fast)'],
      ]),
      step('promote', base, 'succeeded', { startMs: 640, endMs: 980 }, [
        [
          650,
          'studio-sul-db replayed up to 0/5000060, the fenced primary’s last LSN',
        ],
        [970, 'pg_promote() returned true'],
      ]),
      step(
        'switch-traffic',
        base,
        'succeeded',
        { startMs: 980, endMs: 1_200 },
        [[1_190, 'api-dns: api.example.test A 10.16.0.10 (was 10.0.0.10)']],
      ),
      step('verify', base, 'succeeded', { startMs: 1_200, endMs: 1_700 }, [
        [1_052, 'first write on studio-sul-db accepted'],
        [1_690, 'api.example.test answers 10.16.0.10'],
      ]),
      step('record', base, 'succeeded', { startMs: 1_700, endMs: 1_850 }),
    ],
    rtoMs: 412,
    dataLossBytes: 0,
  });
}

/** An emergency failover refused because the standby lags 3 MiB behind. */
export function refusedFailover(): FailoverRun {
  const base = '2026-09-18T22:10:00.000Z';
  return failoverRun({
    id: 'run-failover-refused',
    mode: 'failover',
    status: 'refused',
    createdBy: 'user:default/bruno',
    createdAt: base,
    finishedAt: at(base, 90),
    preflight: passingPreflight().map(check =>
      check.id === 'lag'
        ? { ...check, passed: false, detail: 'lag 3 MiB > limit 1 MiB' }
        : check,
    ),
    steps: [
      step(
        'preflight',
        base,
        'failed',
        { startMs: 0, endMs: 90 },
        [[60, 'lag 3 MiB > limit 1 MiB']],
        '1 of 5 checks refuse the run: Lag within the limit',
      ),
      ...FAILOVER_STEP_IDS.slice(1).map(id => step(id, base, 'skipped')),
    ],
    error:
      'Refused by the pre-flight checks: lag 3 MiB > limit 1 MiB. Nothing was changed; force overrides this check.',
  });
}

/**
 * A switchover started at {@link failoverStartedAt}, as it looks after
 * `progress` steps have finished: the next one runs, the rest wait; after all
 * six it has succeeded with its RTO.
 */
export function runningSwitchover(progress: number): FailoverRun {
  const base = failoverStartedAt;
  const done = progress >= FAILOVER_STEP_IDS.length;
  const logs: Record<(typeof FAILOVER_STEP_IDS)[number], string> = {
    preflight: 'lag 0 B ≤ limit 1 MiB',
    fence: 'studio-primary-db stopped (pg_ctl stop -m fast)',
    promote: 'pg_promote() returned true',
    'switch-traffic': 'api-dns: api.example.test A 10.16.0.10',
    verify: 'first write on studio-sul-db accepted',
    record: 'recorded',
  };
  return failoverRun({
    id: 'run-live',
    mode: 'switchover',
    status: done ? 'succeeded' : 'running',
    createdBy: 'user:default/ana',
    createdAt: base,
    finishedAt: done ? at(base, FAILOVER_STEP_IDS.length * 200) : null,
    preflight: progress > 0 ? passingPreflight() : [],
    steps: FAILOVER_STEP_IDS.map((id, index) => {
      if (index < progress) {
        return step(
          id,
          base,
          'succeeded',
          { startMs: index * 200, endMs: (index + 1) * 200 },
          [[index * 200 + 100, logs[id]]],
        );
      }
      return index === progress
        ? step(id, base, 'running', { startMs: index * 200 })
        : step(id, base, 'pending');
    }),
    rtoMs: done ? 388 : null,
    dataLossBytes: done ? 0 : null,
  });
}

/** What the operator typed to attest that studio-primary was made safe. */
export const primaryPoweredOff =
  'Powered off studio-primary-db in the colo console at 03:12 and pulled its uplink';

/**
 * An emergency failover of a studio-primary that did not answer, fenced on
 * the operator's word, resumed once; afterwards the split-brain guard found
 * studio-primary-db taking writes again and could not fence it.
 */
export function attestedFailover(): FailoverRun {
  const base = '2026-09-20T03:12:00.000Z';
  return failoverRun({
    id: 'run-failover-attested',
    mode: 'failover',
    resumes: 1,
    status: 'succeeded',
    createdBy: 'user:default/bruno',
    createdAt: base,
    finishedAt: at(base, 2_400),
    preflight: passingPreflight().map(check =>
      check.id === 'fence'
        ? {
            ...check,
            detail: `studio-primary-db does not answer and no fencer can fence it; the operator attests: "${primaryPoweredOff}"`,
          }
        : check,
    ),
    steps: [
      ...FAILOVER_STEP_IDS.map((id, index) =>
        step(id, base, 'succeeded', {
          startMs: index * 400,
          endMs: (index + 1) * 400,
        }),
      ),
      step(
        're-fence',
        base,
        'failed',
        { startMs: 3_600_000, endMs: 3_600_900 },
        [[3_600_100, 'studio-primary-db answers and is not in recovery']],
        'studio-primary-db could not be fenced: no fencer is configured for it. Both studio-primary-db and studio-sul-db accept writes; stop studio-primary-db now.',
      ),
    ],
    rtoMs: 1_900,
    dataLossBytes: 3 * 1024,
    sourceFenced: primaryPoweredOff,
    fence: {
      method: 'attested',
      detail: `user:default/bruno attests: "${primaryPoweredOff}"`,
      at: at(base, 650),
    },
  });
}

/** A switchover the backend stopped executing while it promoted studio-sul. */
export function interruptedSwitchover(): FailoverRun {
  const base = '2026-09-20T11:00:00.000Z';
  return failoverRun({
    id: 'run-interrupted',
    mode: 'switchover',
    status: 'interrupted',
    createdBy: 'user:default/ana',
    createdAt: base,
    preflight: passingPreflight(),
    steps: FAILOVER_STEP_IDS.map((id, index) => {
      if (index < 2) {
        return step(id, base, 'succeeded', {
          startMs: index * 200,
          endMs: (index + 1) * 200,
        });
      }
      return index === 2
        ? step(id, base, 'running', { startMs: 400 })
        : step(id, base, 'pending');
    }),
    fence: {
      method: 'sql',
      detail:
        'revoked CONNECT of the application roles on studio-primary-db and terminated their sessions; verified: no application session left',
      at: at(base, 380),
    },
  });
}
