import { TakeoverFacts, takeoverVerdict } from './getRegionTakeoverStatus';

const standby: TakeoverFacts = {
  replication: {
    role: 'warm-standby',
    observedRole: 'unknown',
    source: 'region:default/us-east',
    status: 'ok',
    reason: 'lag 0 s within RPO 60 s',
    lagBytes: 2048,
    lagSeconds: 1.5,
    rpoSeconds: 60,
    sampledAt: '2025-06-01T12:00:00.000Z',
  },
  readiness: {
    score: 96.04,
    threshold: 94,
    ready: true,
    evaluatedAt: '2025-06-01T12:00:00.000Z',
    notPassed: [],
  },
};

describe('takeoverVerdict', () => {
  it('lets a fresh, ready standby take over, with its facts in the verdict', () => {
    expect(takeoverVerdict('us-west', standby, [])).toEqual({
      canTakeOver: true,
      blockers: [],
      verdict:
        'us-west can take over: warm-standby of region:default/us-east, replication ok (lag 2.0 KiB, 1.5 s against RPO 60 s, sampled 2025-06-01T12:00:00.000Z), readiness 96 ≥ threshold 94',
    });
  });

  it('lets a standby with a lag warning take over', () => {
    expect(
      takeoverVerdict(
        'us-west',
        {
          ...standby,
          replication: { ...standby.replication, status: 'warning' },
        },
        [],
      ).canTakeOver,
    ).toBe(true);
  });

  it('names a breach and a stale sample as the blocking facts', () => {
    const breach = takeoverVerdict(
      'us-west',
      {
        ...standby,
        replication: {
          ...standby.replication,
          status: 'breach',
          reason: 'lag 95 s exceeds RPO 60 s',
        },
      },
      [],
    );
    const stale = takeoverVerdict(
      'us-west',
      {
        ...standby,
        replication: {
          ...standby.replication,
          status: 'unknown',
          reason: 'no fresh sample since 2025-06-01T11:00:00.000Z',
        },
      },
      [],
    );

    expect(breach.verdict).toBe(
      'us-west cannot take over: replication is in breach: lag 95 s exceeds RPO 60 s',
    );
    expect(stale.verdict).toBe(
      'us-west cannot take over: replication status is unknown: no fresh sample since 2025-06-01T11:00:00.000Z',
    );
  });

  it('names an unready score with its failed checks, and every blocker at once', () => {
    const verdict = takeoverVerdict(
      'us-west',
      {
        replication: {
          ...standby.replication,
          status: 'breach',
          reason: 'lag',
        },
        readiness: {
          ...standby.readiness,
          score: 71.25,
          ready: false,
          notPassed: [
            {
              id: 'runbook',
              title: 'Failover runbook published',
              result: 'failed',
              evidence: 'no runbook',
            },
            {
              id: 'alerts',
              title: 'Alerts routed',
              result: 'unknown',
              evidence: 'no Prometheus',
            },
          ],
        },
      },
      [],
    );

    expect(verdict.blockers).toEqual([
      'replication is in breach: lag',
      'readiness 71.3 < threshold 94 (failed: Failover runbook published)',
    ]);
    expect(verdict.canTakeOver).toBe(false);
  });

  it('refuses a region that is not a standby or whose readiness was never evaluated', () => {
    expect(
      takeoverVerdict(
        'us-east',
        {
          ...standby,
          replication: { ...standby.replication, role: 'primary' },
        },
        [],
      ).verdict,
    ).toBe('us-east cannot take over: it is a primary region, not a standby');
    expect(
      takeoverVerdict(
        'edge-1',
        {
          ...standby,
          replication: { ...standby.replication, role: null },
          readiness: { ...standby.readiness, evaluatedAt: null, ready: false },
        },
        [],
      ).blockers,
    ).toEqual([
      'it declares no replication role (spec.replication.role)',
      'its readiness is not evaluated yet',
    ]);
  });

  it('names every failing pre-flight check but readiness, which its own facts already name', () => {
    const verdict = takeoverVerdict('us-west', standby, [
      {
        id: 'fence',
        title: 'The old primary can be fenced',
        passed: false,
        detail: 'no fencer can fence us-east-db while it answers',
        forcible: false,
      },
      {
        id: 'readiness',
        title: 'Target is production-ready',
        passed: false,
        detail: 'region:default/us-west scores 80 < threshold 94',
        forcible: true,
      },
      {
        id: 'lag',
        title: 'Target lag within the limit',
        passed: true,
        detail: '0 B behind',
        forcible: true,
      },
    ]);
    expect(verdict).toEqual({
      canTakeOver: false,
      blockers: [
        'the old primary can be fenced: no (no fencer can fence us-east-db while it answers)',
      ],
      verdict:
        'us-west cannot take over: the old primary can be fenced: no (no fencer can fence us-east-db while it answers)',
    });
  });
});
