import { TopologyResponse } from '@meridian/plugin-regions-common';
import { region } from '../__testUtils__/region';
import { ReplicationState } from '../database/ReplicationStore';
import { topologyJson } from './topology';

/*
 * The topology is encoded from fragments kept per region entity for the
 * length of a sync; what is observed of a region must still be that request's
 * own, and a region a conflict names or whose replication was sampled must
 * come out whole.
 */
const saoPaulo = region('sao-paulo', {
  type: 'global-hub',
  userLatencyTargetMs: 15,
  replication: { role: 'primary', mode: 'streaming' },
});
const portoAlegre = region('porto-alegre', {
  type: 'regional-hub',
  hub: 'sao-paulo',
  links: [{ to: 'sao-paulo', latencyTargetMs: 35 }],
  replication: {
    role: 'warm-standby',
    mode: 'streaming',
    source: 'sao-paulo',
  },
});
const recife = region('recife', { hub: 'sao-paulo' }, { title: 'Recife' });
const stray = region('stray', { hub: 'nowhere' });
const snapshot = {
  regions: [saoPaulo, portoAlegre, recife, stray],
  conflicts: [
    {
      type: 'unresolved-ref' as const,
      regions: ['region:default/stray'],
      field: 'spec.hub',
      message: 'spec.hub region:default/nowhere is no region',
    },
  ],
  syncedAt: new Date('2026-12-07T12:00:00.000Z'),
};
const sampledAt = new Date('2026-12-07T12:00:05.000Z');
const standbySample: ReplicationState = {
  regionRef: 'region:default/porto-alegre',
  sampledAt,
  status: 'ok',
  reason: 'streaming',
  lagBytes: 128,
  lagSeconds: 0.4,
  replicas: [],
  observedRole: 'standby',
};

const topology = (observations: Parameters<typeof topologyJson>[1]) =>
  JSON.parse(
    topologyJson(snapshot, observations).toString('utf8'),
  ) as TopologyResponse;
const byName = (body: TopologyResponse, name: string) =>
  body.regions.find(r => r.name === name)!;

describe('topologyJson', () => {
  it('shows each region as declared with what this request observed, and nothing a previous request did', () => {
    const observed = topology({
      replication: new Map([[standbySample.regionRef, standbySample]]),
      readiness: new Map([
        [
          'region:default/recife',
          { score: 97, ready: true, evaluatedAt: sampledAt.toISOString() },
        ],
      ]),
      health: new Map([
        ['region:default/sao-paulo', { status: 'degraded', reason: 'slow' }],
      ]),
      userLatency: new Map([
        [
          'region:default/sao-paulo',
          { measuredMs: 21.04, measuredAt: sampledAt, source: 'probes' },
        ],
      ]),
      linkLatency: [
        {
          from: 'region:default/porto-alegre',
          to: 'region:default/sao-paulo',
          measuredMs: 31,
          measuredAt: new Date(),
          source: 'probes',
        },
      ],
    });
    expect(byName(observed, 'recife')).toEqual({
      ref: 'region:default/recife',
      namespace: 'default',
      name: 'recife',
      title: 'Recife',
      type: 'edge',
      tier: 3,
      lifecycle: 'production',
      owner: expect.any(String),
      hub: 'region:default/sao-paulo',
      status: 'ok',
      conflicts: 0,
      readiness: {
        score: 97,
        ready: true,
        evaluatedAt: sampledAt.toISOString(),
      },
    });
    expect(byName(observed, 'sao-paulo')).toMatchObject({
      health: { status: 'degraded', reason: 'slow' },
      userLatency: { targetMs: 15, measuredMs: 21, breached: true },
      replication: { role: 'primary' },
    });
    expect(byName(observed, 'porto-alegre').replication).toEqual({
      role: 'warm-standby',
      source: 'region:default/sao-paulo',
      status: 'ok',
      lagSeconds: 0.4,
      lagBytes: 128,
      sampledAt: sampledAt.toISOString(),
      observedRole: 'standby',
    });
    expect(byName(observed, 'stray')).toMatchObject({
      status: 'conflict',
      conflicts: 1,
    });
    // the edge to a region that does not exist is left out
    expect(observed.edges).toEqual([
      {
        from: 'region:default/porto-alegre',
        to: 'region:default/sao-paulo',
        kind: 'hub',
      },
      {
        from: 'region:default/porto-alegre',
        to: 'region:default/sao-paulo',
        kind: 'link',
        latencyTargetMs: 35,
        latency: expect.objectContaining({ measuredMs: 31, breached: false }),
      },
      {
        from: 'region:default/porto-alegre',
        to: 'region:default/sao-paulo',
        kind: 'replication',
      },
      {
        from: 'region:default/recife',
        to: 'region:default/sao-paulo',
        kind: 'hub',
      },
    ]);
    expect(observed.conflicts).toEqual(snapshot.conflicts);
    expect(observed.syncedAt).toBe('2026-12-07T12:00:00.000Z');

    // the same entities, nothing observed: no readiness, health or sample left over
    const unobserved = topology({ replication: new Map() });
    expect(byName(unobserved, 'recife')).not.toHaveProperty('readiness');
    expect(byName(unobserved, 'sao-paulo')).not.toHaveProperty('health');
    expect(byName(unobserved, 'sao-paulo')).not.toHaveProperty('userLatency');
    expect(byName(unobserved, 'porto-alegre').replication).toEqual({
      role: 'warm-standby',
      source: 'region:default/sao-paulo',
    });
    expect(
      unobserved.edges.find(edge => edge.kind === 'link')!.latency,
    ).toMatchObject({ measuredMs: null, breached: false });
  });
});
