import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  RegionEntity,
  resolveRegionRef,
  SOURCE_ROLES,
  STANDBY_ROLES,
} from '@meridian/plugin-regions-common';
import { PlanKey } from '../../database/PlanStore';
import { ReplicationState } from '../../database/ReplicationStore';

const isOneOf = (roles: readonly string[], role: string | undefined) =>
  role !== undefined && roles.includes(role);

/**
 * What a region's node last said it is. Read from the last facts the node
 * gave, kept through failed samples: a primary that stops answering keeps its
 * plans, which is when they matter most.
 */
function lastSaidRole(
  state: ReplicationState | undefined,
): 'primary' | 'standby' | 'fenced' | undefined {
  const node = state?.node;
  if (!node) {
    return undefined;
  }
  if (node.inRecovery) {
    return 'standby';
  }
  return node.fenced ? 'fenced' : 'primary';
}

/**
 * Every primary → standby plan of the topology as the nodes show it, as the
 * planner judges runs (failback included): a region whose node is a primary,
 * and each region whose node streams from it, or that declares it as source
 * when its node does not say where it streams from. A region no node fact
 * covers counts as what it declares. Regions that keep backups rather than a
 * replica (mode `backup`) are no target.
 */
export function topologyPlans(
  regions: RegionEntity[],
  states: Map<string, ReplicationState>,
  upstreamRegionOf: (upstream: string | undefined) => string | undefined,
): PlanKey[] {
  const byRef = new Map(
    regions.map(region => [stringifyEntityRef(region), region]),
  );
  const roleOf = (ref: string) => {
    const said = lastSaidRole(states.get(ref));
    if (said) {
      return said;
    }
    const declared = byRef.get(ref)?.spec.replication?.role;
    if (isOneOf(SOURCE_ROLES, declared)) {
      return 'primary';
    }
    return isOneOf(STANDBY_ROLES, declared) ? 'standby' : undefined;
  };
  const plans: PlanKey[] = [];
  for (const [target, region] of byRef) {
    const replication = region.spec.replication;
    if (roleOf(target) !== 'standby' || replication?.mode === 'backup') {
      continue;
    }
    const state = states.get(target);
    const source =
      upstreamRegionOf(state?.standby?.upstream ?? state?.node?.upstream) ??
      resolveRegionRef(replication?.source, region);
    if (
      source &&
      source !== target &&
      byRef.has(source) &&
      roleOf(source) === 'primary'
    ) {
      plans.push({ region: source, target });
    }
  }
  return plans.sort(
    (a, b) =>
      a.region.localeCompare(b.region) || a.target.localeCompare(b.target),
  );
}
