import {
  ReplicationDirection,
  SubscriptionState,
} from '@meridian/plugin-regions-common';
import { ReplicationState } from '../database/ReplicationStore';

/**
 * Each direction of an `active` region's replication as its node showed it:
 * outgoing, the replicas and logical slots that read from it (CDC slots
 * included, as they carry its changes out); incoming, its subscriptions to
 * its peers. Multi-master is two such flows, not a primary and a standby.
 */
export function directionsOf(state: ReplicationState): ReplicationDirection[] {
  const outgoing = state.replicas.map(
    (replica): ReplicationDirection => ({
      direction: 'outgoing',
      ...(replica.region ? { peer: replica.region } : {}),
      via: replica.slot ?? replica.name,
      kind: replica.kind ?? 'physical',
      state: replica.state,
      lagBytes: replica.lagBytes,
      lagSeconds: replica.lagSeconds,
    }),
  );
  const incoming = (state.subscriptions ?? []).map(
    (subscription: SubscriptionState): ReplicationDirection => ({
      direction: 'incoming',
      ...(subscription.publisherRegion
        ? { peer: subscription.publisherRegion }
        : {}),
      via: subscription.name,
      kind: 'logical',
      state: subscription.state,
      lagBytes: subscription.lagBytes,
      lagSeconds: subscription.lagSeconds,
    }),
  );
  return [...outgoing, ...incoming];
}
