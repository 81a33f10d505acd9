import {
  ReadinessCheckOutcome,
  ReadinessResponse,
} from '@meridian/plugin-regions-common';

/** When the readiness fixtures were evaluated. */
export const readinessEvaluatedAt = '2026-09-20T12:00:00.000Z';

function check(
  outcome: Omit<ReadinessCheckOutcome, 'weight' | 'evaluatedAt'>,
): ReadinessCheckOutcome {
  return { weight: 1, evaluatedAt: readinessEvaluatedAt, ...outcome };
}

/**
 * studio-sul as the backend scores it: everything declared and deployed, the
 * lag check passed on an hour of samples (4 % of its weight), no runbook.
 */
export function sulReadiness(): ReadinessResponse {
  return {
    region: 'region:default/studio-sul',
    score: 78,
    threshold: 94,
    ready: false,
    evaluatedAt: readinessEvaluatedAt,
    categories: [
      {
        id: 'infrastructure',
        title: 'Infrastructure',
        score: 100,
        weight: 1,
        checks: [
          check({
            id: 'catalog-valid',
            title: 'Valid entity with no conflicts',
            category: 'infrastructure',
            result: 'passed',
            evidence:
              'valid Region entity, named by no conflict of the last catalog sync',
            evidenceAt: '2026-09-20T11:59:50.000Z',
          }),
        ],
      },
      {
        id: 'observability',
        title: 'Observability',
        score: 100,
        weight: 1,
        checks: [
          check({
            id: 'replication-observed',
            title: 'Replication source configured and fresh',
            category: 'observability',
            result: 'passed',
            evidence: "sampled by 'postgres' from studio-sul-db: caught up",
            evidenceAt: '2026-09-20T11:59:58.000Z',
          }),
        ],
      },
      {
        id: 'deployment',
        title: 'Deployment',
        score: 100,
        weight: 1,
        checks: [
          check({
            id: 'components-deployed',
            title: 'Components deployed',
            category: 'deployment',
            result: 'passed',
            evidence: '1 hosted: component:default/checkout',
            evidenceAt: readinessEvaluatedAt,
          }),
        ],
      },
      {
        id: 'security',
        title: 'Security',
        score: 100,
        weight: 1,
        checks: [
          check({
            id: 'residency-declared',
            title: 'Residency declared where the law requires it',
            category: 'security',
            result: 'passed',
            evidence: 'BR: spec.residency declares LGPD',
            evidenceAt: '2026-09-20T11:59:50.000Z',
          }),
        ],
      },
      {
        id: 'backup-dr',
        title: 'Backup & DR',
        score: 68,
        weight: 1,
        checks: [
          check({
            id: 'dr-plan-declared',
            title: 'Standby and recovery targets declared',
            category: 'backup-dr',
            result: 'passed',
            evidence:
              'warm-standby of region:default/studio-primary, RPO 60 s, RTO 300 s',
            evidenceAt: '2026-09-20T11:59:50.000Z',
          }),
          check({
            id: 'lag-within-rpo',
            title: 'Lag within RPO for 99 % of 1 d observed',
            category: 'backup-dr',
            result: 'passed',
            evidence:
              'lag within RPO 60 s in 100 % of 360 samples over the 60 min observed; 1 d of observation earn full credit, so this earns 4 % of it (full in 23 h)',
            evidenceAt: '2026-09-20T11:59:58.000Z',
            credit: 0.04,
            observed: {
              from: '2026-09-20T11:00:08.000Z',
              to: '2026-09-20T12:00:00.000Z',
            },
          }),
          check({
            id: 'recent-drill',
            title: 'Drill or switchover within RTO in the last 90 days',
            category: 'backup-dr',
            result: 'passed',
            evidence:
              'switchover run-7 of region:default/studio-primary to region:default/studio-sul on 2026-09-01T10:00:02.000Z measured RTO 1.2 s ≤ target 5 min',
            evidenceAt: '2026-09-01T10:00:02.000Z',
          }),
        ],
      },
      {
        id: 'documentation',
        title: 'Documentation',
        score: 0,
        weight: 1,
        checks: [
          check({
            id: 'runbook',
            title: 'Runbook published',
            category: 'documentation',
            result: 'failed',
            evidence:
              'no backstage.io/techdocs-ref annotation and no runbook in metadata.links',
            evidenceAt: '2026-09-20T11:59:50.000Z',
            remediation:
              "Publish the region's failover and recovery runbooks with TechDocs.",
          }),
        ],
      },
    ],
    history: [
      { t: '2026-09-19T12:00:00.000Z', score: 61.1 },
      { t: '2026-09-20T00:00:00.000Z', score: 72.2 },
      { t: '2026-09-20T12:00:00.000Z', score: 77.8 },
    ],
  };
}
