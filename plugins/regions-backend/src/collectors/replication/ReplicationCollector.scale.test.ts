import { TestDatabases } from '@backstage/backend-test-utils';
import { RegionEntity } from '@meridian/plugin-regions-common';
import { ReplicationObservation } from '@meridian/plugin-regions-node';
import { region } from '../../__testUtils__/region';
import { startTestCollector } from '../../__testUtils__/replicationCollector';
import { NodeSharingSource } from './ReplicationCollector';

jest.setTimeout(60_000);

const NODES = 20;
const REGIONS_PER_NODE = 3;
const CONCURRENCY = 4;

/** Region i lives on node i % NODES, so every node serves three regions. */
const regions = Array.from({ length: NODES * REGIONS_PER_NODE }, (_, i) =>
  region(
    `edge-${i}`,
    { replication: { role: 'primary', rpoSeconds: 60 } },
    { annotations: { 'test/node': `node-${i % NODES}` } },
  ),
);

const nodeOf = (r: RegionEntity) => r.metadata.annotations!['test/node'];

/**
 * A source that counts the samples in flight: each waits a few turns of the
 * event loop, so that every sample the collector lets run at once overlaps.
 * A node's lag in seconds is its number; `fail` makes a node's samples throw.
 */
function countingSource(
  fail: (node: string) => string | undefined = () => undefined,
) {
  const calls: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const source: NodeSharingSource = {
    id: 'counting',
    observes: () => true,
    nodeOf,
    async sample(r): Promise<ReplicationObservation> {
      const node = nodeOf(r);
      calls.push(node);
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      try {
        for (let turn = 0; turn < 5; turn++) {
          await new Promise(resolve => setImmediate(resolve));
        }
        const failure = fail(node);
        if (failure) {
          throw new Error(failure);
        }
        const lag = Number(node.slice('node-'.length));
        return {
          sampledAt: new Date(),
          nodeRole: 'primary',
          database: node,
          replicas: [
            { name: 'r', state: 'streaming', lagBytes: lag, lagSeconds: lag },
          ],
        };
      } finally {
        inFlight -= 1;
      }
    },
  };
  return { source, calls, mostInFlight: () => mostInFlight };
}

describe('ReplicationCollector at scale', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function setup(source: NodeSharingSource) {
      return startTestCollector(await databases.init(databaseId), {
        regions,
        sources: [source],
        concurrency: CONCURRENCY,
      });
    }

    it('samples each node once a tick, never more nodes at once than the concurrency, and stores every region', async () => {
      const counting = countingSource();
      const { collector, store } = await setup(counting.source);

      await collector.run();

      expect(counting.mostInFlight()).toBe(CONCURRENCY);
      expect(counting.calls).toHaveLength(NODES);
      expect(new Set(counting.calls).size).toBe(NODES);
      const states = await store.getLatestStates();
      expect(states.size).toBe(regions.length);
      // every region carries its own node's lag, not a neighbour's
      for (const [i, r] of regions.entries()) {
        expect(states.get(`region:default/${r.metadata.name}`)).toMatchObject({
          status: 'ok',
          database: `node-${i % NODES}`,
          lagSeconds: i % NODES,
        });
      }
    });

    it('marks every region of a failing node unknown and no other', async () => {
      const counting = countingSource(node =>
        node === 'node-7' ? 'connect ECONNREFUSED 10.0.0.7:5432' : undefined,
      );
      const { collector, store } = await setup(counting.source);

      await collector.run();

      const states = await store.getLatestStates();
      const unknown = [...states.values()]
        .filter(state => state.status === 'unknown')
        .map(state => [state.regionRef, state.reason]);
      expect(unknown).toEqual(
        expect.arrayContaining(
          ['edge-7', 'edge-27', 'edge-47'].map(name => [
            `region:default/${name}`,
            'connect ECONNREFUSED 10.0.0.7:5432',
          ]),
        ),
      );
      expect(unknown).toHaveLength(REGIONS_PER_NODE);
    });

    if (databaseId === 'POSTGRES_15') {
      // PostgreSQL refuses a NUL character in text: that sample cannot be
      // stored, and the tick's write falls back to one sample at a time.
      it('stores the other samples of a tick when the store refuses one', async () => {
        const counting = countingSource(node =>
          node === 'node-3' ? 'garbage \u0000 from the exporter' : undefined,
        );
        const { collector, store, logger } = await setup(counting.source);

        await collector.run();

        const states = await store.getLatestStates();
        expect(states.size).toBe(regions.length - REGIONS_PER_NODE);
        expect(states.has('region:default/edge-3')).toBe(false);
        expect(states.get('region:default/edge-4')?.status).toBe('ok');
        expect(logger.error).toHaveBeenCalledWith(
          expect.stringMatching(
            /^Could not store the replication sample of region:default\/edge-3: /,
          ),
        );
      });
    }
  });
});
