import { region } from '../../__testUtils__/region';
import { ReplicationState } from '../../database/ReplicationStore';
import { topologyPlans } from './topologyPlans';

const EAST = 'region:default/us-east';
const WEST = 'region:default/us-west';
const CENTRAL = 'region:default/us-central';
const SOUTH = 'region:default/us-south';

const ADDRESSES: Record<string, string> = {
  '10.48.0.10:5432': EAST,
  '10.49.0.10:5432': WEST,
};
const upstreamRegionOf = (upstream: string | undefined) =>
  upstream ? ADDRESSES[upstream] : undefined;

const declaredPrimary = (name: string) =>
  region(name, { replication: { role: 'primary', mode: 'streaming' } });
const declaredStandby = (
  name: string,
  source: string,
  mode: 'streaming' | 'backup' = 'streaming',
) =>
  region(name, {
    replication: { role: 'warm-standby', mode, source },
  });

/** What the collector last read of a region's node. */
function said(
  regionRef: string,
  node: { inRecovery: boolean; fenced?: boolean; upstream?: string },
): [string, ReplicationState] {
  return [
    regionRef,
    {
      regionRef,
      sampledAt: new Date('2026-12-09T10:00:00Z'),
      status: 'ok',
      reason: '',
      lagBytes: 0,
      lagSeconds: 0,
      replicas: [],
      observedRole: 'unknown',
      node: {
        systemIdentifier: '7312',
        inRecovery: node.inRecovery,
        timeline: 1,
        acceptsWrites: !node.inRecovery,
        fenced: node.fenced ?? false,
        lsn: '0/3000000',
        ...(node.upstream ? { upstream: node.upstream } : {}),
        sampledAt: '2026-12-09T10:00:00Z',
      },
    },
  ];
}

describe('topologyPlans', () => {
  it('pairs a declared primary with each standby declaring it, before any node is sampled', () => {
    expect(
      topologyPlans(
        [
          declaredPrimary('us-east'),
          declaredStandby('us-west', 'us-east'),
          declaredStandby('us-central', 'us-east'),
          declaredStandby('us-south', 'us-east', 'backup'),
        ],
        new Map(),
        upstreamRegionOf,
      ),
    ).toEqual([
      { region: EAST, target: CENTRAL },
      { region: EAST, target: WEST },
    ]);
  });

  it('follows what the nodes say after a switchover the catalog does not show yet', () => {
    // us-west was promoted, us-east rewound to stream from it; us-central
    // still declares us-east but streams from us-west.
    const regions = [
      declaredPrimary('us-east'),
      declaredStandby('us-west', 'us-east'),
      declaredStandby('us-central', 'us-east'),
    ];
    expect(
      topologyPlans(
        regions,
        new Map([
          said(EAST, { inRecovery: true, upstream: '10.49.0.10:5432' }),
          said(WEST, { inRecovery: false }),
          said(CENTRAL, { inRecovery: true, upstream: '10.49.0.10:5432' }),
        ]),
        upstreamRegionOf,
      ),
    ).toEqual([
      { region: WEST, target: CENTRAL },
      { region: WEST, target: EAST },
    ]);
  });

  it('keeps the plan of a primary whose node stopped answering, and drops a fenced one', () => {
    const regions = [
      declaredPrimary('us-east'),
      declaredStandby('us-west', 'us-east'),
    ];
    // the last facts of a node are kept through failed samples; its
    // standby's receiver no longer streams, so it names no upstream
    const lost = new Map([
      said(EAST, { inRecovery: false }),
      said(WEST, { inRecovery: true }),
    ]);
    lost.get(EAST)!.observedRole = 'unreachable';
    expect(topologyPlans(regions, lost, upstreamRegionOf)).toEqual([
      { region: EAST, target: WEST },
    ]);

    const fenced = new Map([
      said(EAST, { inRecovery: false, fenced: true }),
      said(WEST, { inRecovery: true }),
    ]);
    expect(topologyPlans(regions, fenced, upstreamRegionOf)).toEqual([]);
  });

  it('has no plan for a standby of a region missing from the catalog, or of another standby', () => {
    expect(
      topologyPlans(
        [
          declaredStandby('us-west', 'us-gone'),
          declaredStandby('us-south', 'us-west'),
        ],
        new Map([said(SOUTH, { inRecovery: true })]),
        upstreamRegionOf,
      ),
    ).toEqual([]);
  });
});
