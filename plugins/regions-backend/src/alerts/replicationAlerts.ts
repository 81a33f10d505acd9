import { parseEntityRef } from '@backstage/catalog-model';
import { ReplicationSample } from '../database/ReplicationStore';
import { RegionAlerts } from './RegionAlerts';

/** The topic of RPO notifications, so users can mute or route them. */
export const RPO_NOTIFICATION_TOPIC = 'regions-rpo';

/**
 * Tells a region's owners when its replication goes over its RPO and when it
 * is back within it, once per change. A sample that cannot tell (`unknown`)
 * changes nothing: a collector outage is not a recovery.
 */
export async function recordRpoAlerts(
  alerts: RegionAlerts,
  samples: ReplicationSample[],
) {
  for (const sample of samples) {
    if (sample.status === 'unknown') {
      continue;
    }
    const name = parseEntityRef(sample.regionRef).name;
    await alerts.record({
      key: `rpo:${sample.regionRef}`,
      state: sample.status === 'breach' ? 'breach' : 'within',
      regions: [sample.regionRef],
      topic: RPO_NOTIFICATION_TOPIC,
      isNews: (state, previous) => state === 'breach' || previous === 'breach',
      notice: () =>
        sample.status === 'breach'
          ? {
              title: `Replication of ${name} is over its RPO`,
              description: sample.reason,
              severity: 'high',
              tab: 'replication',
            }
          : {
              title: `Replication of ${name} is within its RPO again`,
              description: sample.reason,
              severity: 'normal',
              tab: 'replication',
            },
    });
  }
}
