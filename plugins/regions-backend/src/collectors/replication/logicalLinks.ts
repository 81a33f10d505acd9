import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  RegionEntity,
  SubscriptionState,
} from '@meridian/plugin-regions-common';
import { ReplicationObservation } from '@meridian/plugin-regions-node';
import { RegionIndex } from '../../conflicts/RegionIndex';
import { bytesBehind } from '../../failover/lsn';

/**
 * Joins what one tick saw on every node into each region's logical
 * replication, which no node sees alone:
 *
 * - a subscription's publisher is the region whose node holds its slot (the
 *   region's declared `replication.source` when several do), and its byte lag
 *   is that node's current WAL position minus the subscription's applied one;
 * - a logical slot on a publisher is a replica of a region only when some
 *   region's subscription reads it (this tick, or in its last stored state
 *   when its node did not answer); any other logical slot is change data
 *   capture (e.g. Debezium), shown but not counted (`counted: false`).
 *
 * `observations` holds this tick's successful samples by region ref;
 * `lastSubscriptions` the stored subscriptions of every region.
 */
export function linkLogicalReplication(
  regions: RegionEntity[],
  observations: Map<string, ReplicationObservation>,
  lastSubscriptions: Map<string, SubscriptionState[]>,
): Map<string, ReplicationObservation> {
  const index = new RegionIndex(regions);
  const slotHolders = new Map<string, string[]>();
  for (const [ref, observation] of observations) {
    for (const replica of observation.replicas) {
      if (replica.kind === 'logical' && replica.slot) {
        slotHolders.set(replica.slot, [
          ...(slotHolders.get(replica.slot) ?? []),
          ref,
        ]);
      }
    }
  }

  const linked = new Map<string, ReplicationObservation>();
  // `${publisher ref} ${slot}` → the subscriber region reading it
  const readers = new Map<string, string>();
  for (const region of regions) {
    const ref = stringifyEntityRef(region);
    const observation = observations.get(ref);
    const declared = region.spec.replication?.source
      ? index.resolve(region.spec.replication.source, region).ref
      : undefined;
    const subscriptions = observation
      ? (observation.subscriptions ?? []).map(subscription => {
          const publisherRegion = publisherOf(
            subscription,
            declared,
            slotHolders,
          );
          return withPublisherLag(
            subscription,
            publisherRegion,
            publisherRegion ? observations.get(publisherRegion) : undefined,
          );
        })
      : lastSubscriptions.get(ref) ?? [];
    for (const subscription of subscriptions) {
      if (subscription.publisherRegion && subscription.slot) {
        readers.set(
          `${subscription.publisherRegion} ${subscription.slot}`,
          ref,
        );
      }
    }
    if (observation) {
      linked.set(ref, { ...observation, subscriptions });
    }
  }

  for (const [ref, observation] of linked) {
    linked.set(ref, {
      ...observation,
      replicas: observation.replicas.map(replica => {
        if (replica.kind !== 'logical' || !replica.slot) {
          return replica;
        }
        const reader = readers.get(`${ref} ${replica.slot}`);
        return reader
          ? { ...replica, counted: true, region: reader }
          : { ...replica, counted: false };
      }),
    });
  }
  return linked;
}

function publisherOf(
  subscription: SubscriptionState,
  declared: string | undefined,
  slotHolders: Map<string, string[]>,
): string | undefined {
  const holders = subscription.slot
    ? slotHolders.get(subscription.slot) ?? []
    : [];
  if (declared && (holders.length === 0 || holders.includes(declared))) {
    return declared;
  }
  return holders.length === 1 ? holders[0] : undefined;
}

/** The subscription's lag against its publisher's current WAL position, when that node was sampled. */
function withPublisherLag(
  subscription: SubscriptionState,
  publisherRegion: string | undefined,
  publisher: ReplicationObservation | undefined,
): SubscriptionState {
  const withRegion = publisherRegion
    ? { ...subscription, publisherRegion }
    : subscription;
  const current =
    publisher?.nodeRole === 'primary' ? publisher.node?.lsn : null;
  if (!current || !subscription.appliedLsn) {
    return withRegion;
  }
  const lagBytes = bytesBehind(current, subscription.appliedLsn);
  return {
    ...withRegion,
    lagBytes,
    // Nothing left to apply: the age of the last confirmation is idleness.
    lagSeconds:
      lagBytes === 0 && subscription.state === 'streaming'
        ? 0
        : subscription.lagSeconds,
  };
}
