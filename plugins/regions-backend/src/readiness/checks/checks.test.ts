import { mockServices } from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  FailoverRun,
  RegionConflict,
  RegionEntity,
} from '@meridian/plugin-regions-common';
import {
  ReadinessCheck,
  ReadinessCheckContext,
} from '@meridian/plugin-regions-node';
import { sreGroup, sreService } from '../../__testUtils__/catalogEntities';
import { region } from '../../__testUtils__/region';
import { FailoverHistory } from '../FailoverHistory';
import { createRecentDrillCheck, drPlanDeclaredCheck } from './backupDr';
import { createComponentsDeployedCheck } from './deployment';
import { runbookCheck } from './documentation';
import { catalogValidCheck, hubAndLatencyTargetsCheck } from './infrastructure';
import { availabilityTargetCheck } from './observability';
import {
  createOwnerKnownCheck,
  residencyDeclaredCheck,
  residencyRespectedCheck,
} from './security';

const now = new Date('2026-12-01T12:00:00.000Z');
const syncedAt = new Date('2026-12-01T11:59:50.000Z');

const primary = region('studio-primary', {
  type: 'global-hub',
  location: { city: 'São Paulo', country: 'BR' },
  userLatencyTargetMs: 15,
  residency: ['LGPD'],
  availabilityTarget: 99.95,
  replication: { role: 'primary', mode: 'streaming' },
});
const sul = region(
  'studio-sul',
  {
    type: 'regional-hub',
    hub: 'region:default/studio-primary',
    location: { city: 'Porto Alegre', country: 'BR' },
    links: [{ to: 'studio-primary', latencyTargetMs: 35 }],
    userLatencyTargetMs: 20,
    residency: ['LGPD'],
    replication: {
      role: 'warm-standby',
      mode: 'streaming',
      source: 'region:default/studio-primary',
      rpoSeconds: 60,
      rtoSeconds: 300,
    },
  },
  { annotations: { 'backstage.io/techdocs-ref': 'dir:.' } },
);

function contextOf(
  subject: RegionEntity,
  extra: Partial<ReadinessCheckContext> = {},
): ReadinessCheckContext {
  return {
    region: subject,
    regionRef: stringifyEntityRef(subject),
    conflicts: [],
    regions: [primary, sul],
    syncedAt,
    now,
    signal: new AbortController().signal,
    ...extra,
  };
}

async function judge(
  check: ReadinessCheck,
  subject: RegionEntity,
  extra: Partial<ReadinessCheckContext> = {},
) {
  return check.evaluate(contextOf(subject, extra));
}

describe('catalog-valid', () => {
  it('passes a valid region no conflict names', async () => {
    expect(await judge(catalogValidCheck, sul)).toEqual({
      result: 'passed',
      evidence:
        'valid Region entity, named by no conflict of the last catalog sync',
      evidenceAt: syncedAt,
    });
  });

  it('fails with the message of every conflict that names the region', async () => {
    const conflict: RegionConflict = {
      type: 'cidr-overlap',
      regions: ['region:default/studio-sul', 'region:default/studio-ne'],
      field: 'spec.network.cidr',
      message:
        'spec.network.cidr 10.17.0.0/16 of region:default/studio-ne overlaps 10.16.0.0/12 of region:default/studio-sul',
    };
    expect(
      await judge(catalogValidCheck, sul, { conflicts: [conflict] }),
    ).toMatchObject({ result: 'failed', evidence: conflict.message });
  });

  it('fails an entity the Region validation rejects, naming the field', async () => {
    const broken = region('broken', { network: { cidr: '10.16.1.0/16' } });
    const verdict = await judge(catalogValidCheck, broken);
    expect(verdict.result).toBe('failed');
    expect(verdict.evidence).toContain('spec.network.cidr');
  });
});

describe('hub-and-latency-targets', () => {
  it('passes a spoke linked to its hub with every target declared', async () => {
    expect(await judge(hubAndLatencyTargetsCheck, sul)).toMatchObject({
      result: 'passed',
      evidence:
        'users 20 ms; links: studio-primary 35 ms; hub region:default/studio-primary',
    });
  });

  it('passes a global hub without a hub', async () => {
    expect(await judge(hubAndLatencyTargetsCheck, primary)).toMatchObject({
      result: 'passed',
      evidence: 'users 15 ms',
    });
  });

  it('fails a spoke with no link to its hub and a link without a target', async () => {
    const spoke = region('edge-1', {
      hub: 'studio-sul',
      links: [{ to: 'studio-primary' }],
    });
    expect(await judge(hubAndLatencyTargetsCheck, spoke)).toMatchObject({
      result: 'failed',
      evidence:
        'spec.links has no link to the hub region:default/studio-sul; spec.links[0] to studio-primary has no latencyTargetMs; spec.userLatencyTargetMs is not declared',
    });
  });

  it('fails an edge with no hub', async () => {
    const edge = region('edge-2', { userLatencyTargetMs: 10 });
    expect(await judge(hubAndLatencyTargetsCheck, edge)).toMatchObject({
      result: 'failed',
      evidence: 'spec.hub is not declared for a edge',
    });
  });
});

describe('availability-target', () => {
  it('passes a declared target and fails a missing one', async () => {
    expect(await judge(availabilityTargetCheck, primary)).toMatchObject({
      result: 'passed',
      evidence: 'availability target 99.95 %',
    });
    expect(await judge(availabilityTargetCheck, sul)).toMatchObject({
      result: 'failed',
      evidence: 'spec.availabilityTarget is not declared',
    });
  });
});

const renderFarm = sreService('render-farm', 'studio-primary, studio-sul');
const studioDb: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'studio-db',
    namespace: 'default',
    annotations: { 'meridian.dev/regions': 'region:default/studio-sul' },
  },
  spec: { type: 'database', owner: 'sre' },
};

describe('owner-known', () => {
  const auth = mockServices.auth();

  it('passes an owner group that is in the catalog', async () => {
    const check = createOwnerKnownCheck({
      catalog: catalogServiceMock({ entities: [sreGroup] }),
      auth,
    });
    expect(await judge(check, sul)).toEqual({
      result: 'passed',
      evidence: 'owned by group:default/sre, in the catalog',
      evidenceAt: now,
    });
  });

  it('fails an owner the catalog does not know, or one that is not a group or user', async () => {
    const empty = createOwnerKnownCheck({
      catalog: catalogServiceMock({ entities: [] }),
      auth,
    });
    expect(await judge(empty, sul)).toMatchObject({
      result: 'failed',
      evidence: 'spec.owner group:default/sre is not in the catalog',
    });

    const misowned = region('misowned', {
      owner: 'component:default/render-farm',
    });
    const withComponent = createOwnerKnownCheck({
      catalog: catalogServiceMock({ entities: [renderFarm] }),
      auth,
    });
    expect(await judge(withComponent, misowned)).toMatchObject({
      result: 'failed',
      evidence:
        'spec.owner component:default/render-farm is a Component, not a Group or User',
    });
  });

  it('lets a catalog outage throw, which the evaluator records as unknown', async () => {
    const catalog = catalogServiceMock({ entities: [sreGroup] });
    jest
      .spyOn(catalog, 'getEntities')
      .mockRejectedValue(new Error('catalog unavailable'));
    const check = createOwnerKnownCheck({ catalog, auth });
    await expect(judge(check, sul)).rejects.toThrow('catalog unavailable');
  });

  it('reads the groups and users once per evaluation run, not once per region, whatever case the owner is written in', async () => {
    const catalog = catalogServiceMock({ entities: [sreGroup, renderFarm] });
    const getEntities = jest.spyOn(catalog, 'getEntities');
    const check = createOwnerKnownCheck({ catalog, auth });
    const regions = ['a', 'b', 'c'].map(name =>
      region(`studio-${name}`, { owner: 'sre' }),
    );
    for (const subject of regions) {
      expect(await judge(check, subject)).toMatchObject({ result: 'passed' });
    }
    expect(
      await judge(check, region('shouting', { owner: 'group:default/SRE' })),
    ).toMatchObject({ result: 'passed' });
    expect(getEntities).toHaveBeenCalledTimes(1);

    // the next run reads the catalog afresh
    const later = new Date(now.getTime() + 60_000);
    await judge(check, regions[0], { now: later });
    expect(getEntities).toHaveBeenCalledTimes(2);
  });

  it('looks up an owner that is no group or user once per run, however many regions name it', async () => {
    const catalog = catalogServiceMock({ entities: [sreGroup, renderFarm] });
    const getEntityByRef = jest.spyOn(catalog, 'getEntityByRef');
    const check = createOwnerKnownCheck({ catalog, auth });
    for (const name of ['a', 'b', 'c']) {
      expect(
        await judge(check, region(`studio-${name}`, { owner: 'platform' })),
      ).toMatchObject({
        result: 'failed',
        evidence: 'spec.owner group:default/platform is not in the catalog',
      });
      expect(
        await judge(
          check,
          region(`farm-${name}`, {
            owner: 'component:default/render-farm',
          }),
        ),
      ).toMatchObject({
        result: 'failed',
        evidence:
          'spec.owner component:default/render-farm is a Component, not a Group or User',
      });
    }
    expect(getEntityByRef).toHaveBeenCalledTimes(2);
  });
});

describe('residency-declared', () => {
  it('passes a Brazilian region that declares LGPD', async () => {
    expect(await judge(residencyDeclaredCheck, sul)).toMatchObject({
      result: 'passed',
      evidence: 'BR: spec.residency declares LGPD',
    });
  });

  it('fails an EU region without GDPR, naming what it declares', async () => {
    const dublin = region('eu-west-1', {
      location: { country: 'IE' },
      residency: ['LGPD'],
    });
    expect(await judge(residencyDeclaredCheck, dublin)).toMatchObject({
      result: 'failed',
      evidence:
        'the region is in IE, where GDPR applies, but spec.residency is [LGPD]',
      remediation:
        "Add GDPR to spec.residency, and keep the region's data where GDPR allows.",
    });
    const frankfurt = region('eu-central-1', { location: { country: 'de' } });
    expect(await judge(residencyDeclaredCheck, frankfurt)).toMatchObject({
      result: 'failed',
      evidence:
        'the region is in DE, where GDPR applies, but spec.residency is not declared',
    });
  });

  it('is unknown without a country and left out where no law requires it', async () => {
    const nowhere = region('nowhere');
    expect(residencyDeclaredCheck.appliesTo!(nowhere)).toBe(true);
    expect(await judge(residencyDeclaredCheck, nowhere)).toMatchObject({
      result: 'unknown',
    });
    const virginia = region('us-east-1', { location: { country: 'US' } });
    expect(residencyDeclaredCheck.appliesTo!(virginia)).toBe(false);
  });
});

describe('components-deployed', () => {
  const auth = mockServices.auth();

  it('passes a region that components and resources name, and fails one nothing names', async () => {
    const catalog = catalogServiceMock({
      entities: [renderFarm, studioDb, sreGroup],
    });
    const getEntities = jest.spyOn(catalog, 'getEntities');
    const check = createComponentsDeployedCheck({ catalog, auth });

    expect(await judge(check, sul)).toEqual({
      result: 'passed',
      evidence:
        '2 hosted: component:default/render-farm, resource:default/studio-db',
      evidenceAt: now,
    });
    expect(await judge(check, primary)).toMatchObject({
      result: 'passed',
      evidence: '1 hosted: component:default/render-farm',
    });
    expect(await judge(check, region('studio-n'))).toMatchObject({
      result: 'failed',
      evidence:
        'no component, resource or system in the catalog names the region in meridian.dev/regions',
    });
    // one catalog read for the whole run
    expect(getEntities).toHaveBeenCalledTimes(1);

    await judge(check, sul, { now: new Date(now.getTime() + 300_000) });
    expect(getEntities).toHaveBeenCalledTimes(2);
  });
});

describe('dr-plan-declared', () => {
  it('passes a standby with RPO and RTO, and a primary that a region replicates from', async () => {
    expect(await judge(drPlanDeclaredCheck, sul)).toMatchObject({
      result: 'passed',
      evidence:
        'warm-standby of region:default/studio-primary, RPO 60 s, RTO 300 s',
    });
    expect(await judge(drPlanDeclaredCheck, primary)).toMatchObject({
      result: 'passed',
      evidence: 'primary replicated to studio-sul (warm-standby)',
    });
  });

  it('fails a region without replication, a lone primary and a standby without targets', async () => {
    expect(await judge(drPlanDeclaredCheck, region('edge'))).toMatchObject({
      result: 'failed',
    });
    expect(
      await judge(drPlanDeclaredCheck, primary, { regions: [primary] }),
    ).toMatchObject({
      result: 'failed',
      evidence: 'primary that no region replicates from',
    });
    const bare = region('bare', {
      replication: { role: 'cold-standby', source: 'studio-primary' },
    });
    expect(await judge(drPlanDeclaredCheck, bare)).toMatchObject({
      result: 'failed',
      evidence:
        'cold-standby without spec.replication.rpoSeconds and spec.replication.rtoSeconds',
    });
  });
});

function run(overrides: Partial<FailoverRun>): FailoverRun {
  return {
    id: 'run-1',
    region: 'region:default/studio-primary',
    target: 'region:default/studio-sul',
    mode: 'switchover',
    dryRun: false,
    force: false,
    status: 'succeeded',
    createdBy: 'user:default/ana.souza',
    createdAt: '2026-11-20T10:00:00.000Z',
    finishedAt: '2026-11-20T10:00:02.000Z',
    steps: [],
    preflight: [],
    rtoMs: 1200,
    dataLossBytes: 0,
    resumes: 0,
    approvalsRequired: 0,
    approvals: [],
    ...overrides,
  };
}

function historyOf(runs: FailoverRun[]): FailoverHistory & {
  listRuns: jest.Mock;
} {
  return {
    listRuns: jest.fn(async (regionRef: string, since: Date) =>
      runs.filter(
        r =>
          (r.region === regionRef || r.target === regionRef) &&
          Date.parse(r.createdAt) >= since.getTime(),
      ),
    ),
  };
}

describe('recent-drill', () => {
  it('applies to regions with an RTO target only', () => {
    const check = createRecentDrillCheck({});
    expect(check.appliesTo!(sul)).toBe(true);
    expect(check.appliesTo!(primary)).toBe(false);
  });

  it('is unknown when the backend records no failover history', async () => {
    expect(await judge(createRecentDrillCheck({}), sul)).toMatchObject({
      result: 'unknown',
      evidence: 'no failover history is recorded by this backend',
    });
  });

  it('passes a switchover within the RTO in the last 90 days', async () => {
    const failoverHistory = historyOf([run({})]);
    const verdict = await judge(
      createRecentDrillCheck({ failoverHistory }),
      sul,
    );
    expect(verdict).toEqual({
      result: 'passed',
      evidence:
        'switchover run-1 of region:default/studio-primary to region:default/studio-sul on 2026-11-20T10:00:02.000Z measured RTO 1.2 s ≤ target 5 min',
      evidenceAt: new Date('2026-11-20T10:00:02.000Z'),
    });
    expect(failoverHistory.listRuns).toHaveBeenCalledWith(
      'region:default/studio-sul',
      new Date('2026-09-02T12:00:00.000Z'),
    );
  });

  it('fails when the latest measured RTO is over target, or nothing succeeded in 90 days', async () => {
    const slow = historyOf([run({ rtoMs: 420_000 })]);
    expect(
      await judge(createRecentDrillCheck({ failoverHistory: slow }), sul),
    ).toMatchObject({
      result: 'failed',
      evidence: expect.stringContaining('measured RTO 7 min > target 5 min'),
    });

    const old = historyOf([
      run({
        createdAt: '2026-08-01T10:00:00.000Z',
        finishedAt: '2026-08-01T10:00:02.000Z',
      }),
      run({ id: 'run-2', status: 'failed' }),
      run({ id: 'run-3', mode: 'failover' }),
    ]);
    expect(
      await judge(createRecentDrillCheck({ failoverHistory: old }), sul),
    ).toMatchObject({
      result: 'failed',
      evidence:
        'no successful drill, switchover or detected failover involving the region since 2026-09-02T12:00:00.000Z',
    });
  });

  it('fails a drill that measured no RTO', async () => {
    const drills = historyOf([run({ mode: 'drill', rtoMs: null })]);
    expect(
      await judge(createRecentDrillCheck({ failoverHistory: drills }), sul),
    ).toMatchObject({
      result: 'failed',
      evidence: expect.stringMatching(
        /^drill run-1 .* succeeded but measured no RTO$/,
      ),
    });
  });
});

describe('runbook', () => {
  it('passes a TechDocs site of its own or of another entity, or a runbook link, and fails none', async () => {
    expect(await judge(runbookCheck, sul)).toMatchObject({
      result: 'passed',
      evidence: 'TechDocs at dir:. (backstage.io/techdocs-ref)',
    });
    const linked = region(
      'linked',
      {},
      {
        links: [{ url: 'https://wiki.example.com/dr', title: 'DR Runbook' }],
      },
    );
    expect(await judge(runbookCheck, linked)).toMatchObject({
      result: 'passed',
      evidence: 'runbook link DR Runbook: https://wiki.example.com/dr',
    });
    const shared = region(
      'shared',
      {},
      {
        annotations: {
          'backstage.io/techdocs-entity': 'system:default/meridian',
          'backstage.io/techdocs-entity-path': '/runbooks/',
        },
      },
    );
    expect(await judge(runbookCheck, shared)).toMatchObject({
      result: 'passed',
      evidence:
        'TechDocs of system:default/meridian at /runbooks/ (backstage.io/techdocs-entity)',
    });
    expect(await judge(runbookCheck, primary)).toMatchObject({
      result: 'failed',
      evidence:
        'no backstage.io/techdocs-ref or backstage.io/techdocs-entity annotation and no runbook in metadata.links',
    });
  });
});

describe('residency-respected', () => {
  const residencyConflict: RegionConflict = {
    type: 'residency',
    regions: ['region:default/studio-sul'],
    entities: ['component:default/checkout'],
    field: 'metadata.annotations.meridian.dev/residency',
    message:
      'component:default/checkout must keep its data under GDPR (meridian.dev/residency) but meridian.dev/regions deploys it in region:default/studio-sul, whose spec.residency lacks GDPR',
  };

  it('passes a region no residency conflict names', async () => {
    expect(await judge(residencyRespectedCheck, sul)).toMatchObject({
      result: 'passed',
    });
  });

  it('fails counting the residency conflicts, which catalog-valid leaves to it', async () => {
    const context = { conflicts: [residencyConflict, residencyConflict] };
    expect(await judge(residencyRespectedCheck, sul, context)).toEqual({
      result: 'failed',
      evidence: `2 residency conflicts: ${residencyConflict.message}; ${residencyConflict.message}`,
      evidenceAt: syncedAt,
    });
    expect(await judge(catalogValidCheck, sul, context)).toMatchObject({
      result: 'passed',
    });
  });
});
