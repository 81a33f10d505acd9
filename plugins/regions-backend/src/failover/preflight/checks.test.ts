import {
  DatabaseNodeState,
  Fencer,
  Promoter,
} from '@meridian/plugin-regions-node';
import { region } from '../../__testUtils__/region';
import { FailoverFacts, FailoverPlan } from '../plan/types';
import { blockingChecks, runChecks } from './checks';

const promoter = (id: string, demotesSource = false) =>
  ({ id, demotesSource } as unknown as Promoter);
const fencer = (id: string, reach: Fencer['reach']) =>
  ({ id, reach } as unknown as Fencer);

function plan(overrides: Partial<FailoverPlan> = {}): FailoverPlan {
  return {
    mode: 'switchover',
    source: {
      ref: 'region:default/us-east',
      region: region('us-east'),
      node: { name: 'east-db', regions: ['region:default/us-east'] },
      promoter: promoter('postgres'),
    },
    target: {
      ref: 'region:default/us-west',
      region: region('us-west'),
      node: { name: 'west-db', regions: ['region:default/us-west'] },
      promoter: promoter('postgres'),
    },
    inBandFencer: fencer('sql', 'in-band'),
    outOfBandFencers: [],
    switches: [],
    trafficProblems: [],
    sourceAddresses: new Map(),
    holds: ['region:default/us-east', 'region:default/us-west'],
    ...overrides,
  };
}

const primary: DatabaseNodeState = {
  role: 'primary',
  writable: true,
  lsn: '0/3000100',
  systemIdentifier: '7000000000000000001',
  timeline: 2,
  address: '10.0.0.1:5432',
  replicas: ['west'],
};
const standby: DatabaseNodeState = {
  role: 'standby',
  writable: false,
  lsn: '0/3000100',
  receiveLsn: '0/3000100',
  streaming: true,
  systemIdentifier: '7000000000000000001',
  timeline: 2,
  upstream: '10.0.0.1:5432',
  applicationName: 'west',
};

function facts(overrides: Partial<FailoverFacts> = {}): FailoverFacts {
  return {
    source: { state: primary },
    target: { state: standby },
    ...overrides,
  };
}

const check = (checks: ReturnType<typeof runChecks>, id: string) =>
  checks.find(c => c.id === id);
const context = { maxLagBytes: 1024 * 1024, holdsRun: true };

describe('the failover pre-flight checks', () => {
  it('pass for a fenceable primary and its streaming standby', () => {
    const checks = runChecks(plan(), facts(), context);
    expect(checks.filter(c => !c.passed)).toEqual([]);
    expect(check(checks, 'topology')?.detail).toBe(
      'same system identifier 7000000000000000001, timeline 2; west-db streams from east-db',
    );
  });

  it('refuse, without force, a Patroni leader failed over to a plain PostgreSQL target', () => {
    const checks = runChecks(
      plan({
        source: { ...plan().source, promoter: promoter('patroni', true) },
      }),
      facts(),
      context,
    );
    expect(check(checks, 'promoters')).toEqual({
      id: 'promoters',
      title: 'Both nodes are driven by one promoter',
      passed: false,
      forcible: false,
      detail:
        "east-db is driven by the patroni promoter and west-db by the postgres promoter: one replication set fails over through one (a Patroni leader would keep running beside a pg_promote'd target)",
    });
    expect(blockingChecks(checks, true).map(c => c.id)).toEqual(['promoters']);
  });

  it('refuse a target behind on the timeline, or streaming from another node', () => {
    const behind = runChecks(
      plan(),
      facts({ target: { state: { ...standby, timeline: 1 } } }),
      context,
    );
    expect(check(behind, 'topology')).toMatchObject({
      passed: false,
      forcible: false,
      detail:
        "west-db is on timeline 1, behind east-db's timeline 2 (now): it missed a promotion and must be re-attached (pg_rewind) first",
    });
    const elsewhere = runChecks(
      plan(),
      facts({
        source: { state: { ...primary, replicas: ['other'] } },
        target: { state: { ...standby, upstream: '10.9.9.9:5432' } },
      }),
      context,
    );
    expect(check(elsewhere, 'topology')).toMatchObject({
      passed: false,
      detail:
        'west-db streams from 10.9.9.9:5432, and east-db (10.0.0.1:5432) lists no standby named west among other',
    });
  });

  it('judge a lost source by its last sample, and let only force override what is unknown', () => {
    const lost = plan({ mode: 'failover' });
    const noSample = runChecks(
      lost,
      facts({ source: { error: 'connection refused', unreachable: true } }),
      context,
    );
    expect(check(noSample, 'topology')).toMatchObject({
      passed: false,
      forcible: true,
      detail:
        'east-db does not answer and was never sampled: nothing shows that west-db belongs to its replication set',
    });
    const sampled = runChecks(
      lost,
      facts({
        source: { error: 'connection refused', unreachable: true },
        lastSource: {
          systemIdentifier: '7000000000000000001',
          inRecovery: false,
          timeline: 2,
          acceptsWrites: true,
          fenced: false,
          lsn: '0/3100100',
          sampledAt: '2026-12-06T03:00:00.000Z',
        },
      }),
      context,
    );
    expect(check(sampled, 'topology')).toMatchObject({ passed: true });
    expect(check(sampled, 'lag')).toMatchObject({
      passed: true,
      detail:
        "west-db has received up to 0/3000100, at least 1.0 MiB behind east-db's last sampled position 0/3100100 (2026-12-06T03:00:00.000Z; limit 1.0 MiB)",
    });
    expect(check(sampled, 'fence')).toMatchObject({
      passed: false,
      forcible: false,
    });
  });

  it('let an emergency failover of a lost source go on with an out-of-band fencer or the operator’s word, never by force alone', () => {
    const lostSource = facts({
      source: { error: 'timed out', unreachable: true },
    });
    const byCommand = runChecks(
      plan({
        mode: 'failover',
        outOfBandFencers: [fencer('command', 'out-of-band')],
      }),
      lostSource,
      context,
    );
    expect(check(byCommand, 'fence')).toMatchObject({
      passed: true,
      detail:
        'east-db does not answer: the command fencer fences it before the promotion',
    });
    const attested = runChecks(
      plan({ mode: 'failover', sourceFenced: 'powered off in the console' }),
      lostSource,
      context,
    );
    expect(check(attested, 'fence')).toMatchObject({
      passed: true,
      detail:
        'east-db does not answer and no fencer can fence it; the operator attests: "powered off in the console"',
    });
    const neither = runChecks(plan({ mode: 'failover' }), lostSource, context);
    expect(blockingChecks(neither, true).map(c => c.id)).toContain('fence');
  });
});
