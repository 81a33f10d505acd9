import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  FailoverPreflightCheck,
  PlanValidation,
  RegionEntity,
} from '@meridian/plugin-regions-common';
import { region } from '../../__testUtils__/region';
import { createFailoverPlanValidatedCheck } from './backupDr';

const now = new Date('2026-12-09T12:00:00.000Z');
const PRIMARY = 'region:default/us-east';
const STANDBY = 'region:default/us-west';

const usEast = region('us-east', {
  replication: { role: 'primary', mode: 'streaming' },
});
const usWest = region('us-west', {
  replication: { role: 'warm-standby', mode: 'streaming', source: PRIMARY },
});

function check(
  id: string,
  passed: boolean,
  forcible = false,
): FailoverPreflightCheck {
  return { id, title: id, passed, detail: `${id} detail`, forcible };
}

function plan(
  validatedAt: string,
  checks: FailoverPreflightCheck[],
  target = STANDBY,
): PlanValidation {
  return {
    region: PRIMARY,
    target,
    validatedAt,
    ok: checks.every(c => c.passed),
    checks,
    since: '2026-12-09T09:00:00.000Z',
  };
}

/** The store's filter over a fixed list of validations. */
function judge(subject: RegionEntity, validations: PlanValidation[]) {
  const listValidations = async (filter: {
    region?: string;
    target?: string;
  }) =>
    validations.filter(
      v =>
        (!filter.region || v.region === filter.region) &&
        (!filter.target || v.target === filter.target),
    );
  return createFailoverPlanValidatedCheck({
    plans: { listValidations },
  }).evaluate({
    region: subject,
    regionRef: stringifyEntityRef(subject),
    conflicts: [],
    regions: [usEast, usWest],
    syncedAt: now,
    now,
    signal: new AbortController().signal,
  });
}

const passing = [check('target-healthy', true), check('lag', true, true)];
const lagging = [check('target-healthy', true), check('lag', false, true)];

describe('failover-plan-validated', () => {
  it('applies to regions with replication, not to backups', () => {
    const { appliesTo } = createFailoverPlanValidatedCheck({
      plans: { listValidations: async () => [] },
    });
    expect(appliesTo!(usWest)).toBe(true);
    expect(appliesTo!(region('lone'))).toBe(false);
    expect(
      appliesTo!(
        region('vault', {
          replication: {
            role: 'cold-standby',
            mode: 'backup',
            source: PRIMARY,
          },
        }),
      ),
    ).toBe(false);
  });

  it('passes a primary with one ok plan in the last hour, and the standby it would promote', async () => {
    const validations = [
      plan('2026-12-09T11:30:00.000Z', passing),
      plan('2026-12-09T11:30:00.000Z', lagging, 'region:default/us-central'),
    ];
    expect(await judge(usEast, validations)).toEqual({
      result: 'passed',
      evidence: `${PRIMARY} → ${STANDBY} passed every pre-flight check of an emergency failover, ok since 2026-12-09T09:00:00.000Z`,
      evidenceAt: new Date('2026-12-09T11:30:00.000Z'),
    });
    expect(await judge(usWest, validations)).toMatchObject({
      result: 'passed',
    });
  });

  it('fails the standby whose plan fails, a forcible check counting, with what fails', async () => {
    expect(
      await judge(usWest, [plan('2026-12-09T11:30:00.000Z', lagging)]),
    ).toEqual({
      result: 'failed',
      evidence: `${PRIMARY} → ${STANDBY} fails lag (lag detail)`,
      evidenceAt: new Date('2026-12-09T11:30:00.000Z'),
    });
  });

  it('does not hold a standby down by the readiness gate that reads this score', async () => {
    const belowThreshold = [...passing, check('readiness', false, true)];
    expect(
      await judge(usWest, [plan('2026-12-09T11:30:00.000Z', belowThreshold)]),
    ).toMatchObject({
      result: 'passed',
      evidence: expect.stringContaining(
        'passed every pre-flight check but the readiness gate',
      ),
    });
  });

  it('fails a plan last validated over an hour ago, and is unknown for one never validated', async () => {
    expect(
      await judge(usEast, [plan('2026-12-09T10:59:59.000Z', passing)]),
    ).toMatchObject({
      result: 'failed',
      evidence: `no validation in the last 1 h: the latest, of ${PRIMARY} → ${STANDBY}, was on 2026-12-09T10:59:59.000Z`,
      remediation: expect.stringContaining('regions-plan-validation'),
    });
    expect(await judge(usWest, [])).toMatchObject({
      result: 'unknown',
      remediation: expect.stringMatching(
        /^Wait for the regions-plan-validation task .* or check its logs\.$/,
      ),
    });
  });
});
