import {
  ANNOTATION_REGION_DATABASE,
  ProbeHealth,
  RegionEntity,
} from '@meridian/plugin-regions-common';
import { ReadinessCheck } from '@meridian/plugin-regions-node';
import { ReplicationStore } from '../../database/ReplicationStore';
import { regionHealthOf } from '../../collectors/probes/status';
import { formatDuration } from './format';

/** True for a region whose replication a source can sample: streaming or logical, not backups. */
export function hasObservableReplication(region: RegionEntity): boolean {
  const replication = region.spec.replication;
  return Boolean(replication?.role) && replication?.mode !== 'backup';
}

/**
 * A replication source samples the region and its latest sample is fresh.
 * Regions that keep backups rather than a replica are left to backup checks.
 */
export function createReplicationObservedCheck(deps: {
  store: ReplicationStore;
  /** The id of the source that samples the region, if any does. */
  sourceOf(region: RegionEntity): string | undefined;
  /** The age from which a sample is stale. */
  staleAfterMs: number;
}): ReadinessCheck {
  return {
    id: 'replication-observed',
    title: 'Replication source configured and fresh',
    category: 'observability',
    remediation: `Name a node of regions.databases (or a Prometheus selector) in the region's ${ANNOTATION_REGION_DATABASE} annotation, and make sure the source can reach it.`,
    appliesTo: hasObservableReplication,
    async evaluate({ region, regionRef, now }) {
      const source = deps.sourceOf(region);
      if (!source) {
        const database =
          region.metadata.annotations?.[ANNOTATION_REGION_DATABASE];
        return {
          result: 'failed',
          evidence: database
            ? `no replication source observes the region: the database "${database}" is not configured under regions.databases`
            : `no replication source observes the region: it has no ${ANNOTATION_REGION_DATABASE} annotation`,
        };
      }
      const latest = await deps.store.getLatestState(regionRef, now);
      if (!latest) {
        return {
          result: 'unknown',
          evidence: `source '${source}' has not sampled the region yet`,
          remediation: 'Wait for the replication collector’s next run.',
        };
      }
      const age = now.getTime() - latest.sampledAt.getTime();
      if (age > deps.staleAfterMs) {
        return {
          result: 'failed',
          evidence: `the last sample by '${source}' is ${formatDuration(
            age,
          )} old (stale after ${formatDuration(deps.staleAfterMs)})`,
          evidenceAt: latest.sampledAt,
          remediation:
            'Check that the replication collector runs (regions-replication-collector) and its logs.',
        };
      }
      if (latest.status === 'unknown') {
        return {
          result: 'failed',
          evidence: `source '${
            latest.source ?? source
          }' could not judge the replication: ${latest.reason}`,
          evidenceAt: latest.sampledAt,
        };
      }
      return {
        result: 'passed',
        evidence: `sampled by '${latest.source ?? source}'${
          latest.database ? ` from ${latest.database}` : ''
        }: ${latest.reason}`,
        evidenceAt: latest.sampledAt,
      };
    },
  };
}

/** The region declares the availability it must be held to. */
export const availabilityTargetCheck: ReadinessCheck = {
  id: 'availability-target',
  title: 'Availability target declared',
  category: 'observability',
  remediation:
    'Declare spec.availabilityTarget (percent, e.g. 99.9) so that alerts and SLOs have a target.',
  evaluate({ region, syncedAt }) {
    const target = region.spec.availabilityTarget;
    return target === undefined
      ? {
          result: 'failed',
          evidence: 'spec.availabilityTarget is not declared',
          evidenceAt: syncedAt,
        }
      : {
          result: 'passed',
          evidence: `availability target ${target} %`,
          evidenceAt: syncedAt,
        };
  },
};

/**
 * Probes check the region's endpoints, and none of them is down (a slow or
 * flapping probe still passes: it answers; its reason says how).
 */
export function createHealthProbesCheck(deps: {
  health: { regionProbes(regionRef: string): Promise<ProbeHealth[]> };
}): ReadinessCheck {
  return {
    id: 'health-probes',
    title: 'Health probes configured and up',
    category: 'observability',
    remediation:
      'Configure a probe of the region’s endpoint under regions.probes.<name> (url, region), then bring the down probes’ endpoints back.',
    async evaluate({ regionRef }) {
      const probes = await deps.health.regionProbes(regionRef);
      if (probes.length === 0) {
        return {
          result: 'failed',
          evidence: `no probe of regions.probes checks ${regionRef}`,
        };
      }
      const { status, reason } = regionHealthOf(probes);
      const checkedAt = probes
        .map(probe => probe.checkedAt)
        .filter((at): at is string => at !== null)
        .sort()
        .pop();
      const evidenceAt = checkedAt ? new Date(checkedAt) : null;
      if (status === 'unknown') {
        return {
          result: 'unknown',
          evidence: reason,
          evidenceAt,
          remediation:
            'Wait for the probe collector’s next round (regions-probe-collector), or check its logs.',
        };
      }
      return {
        result: probes.some(probe => probe.status === 'down')
          ? 'failed'
          : 'passed',
        evidence: reason,
        evidenceAt,
      };
    },
  };
}
