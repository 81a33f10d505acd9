import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';
import {
  BudgetStatus,
  CostSummaryResponse,
  HealthStatus,
  ObservedRole,
  RegionEntity,
  regionTier,
  ReplicationStatus,
  resolveRegionRef,
  TopologyResponse,
} from '@meridian/plugin-regions-common';
import { formatLag, formatLocation, formatTier } from '../../lib/format';

/** One line of the table, flattened so that search and sorting see plain text. */
export interface RegionRow {
  id: string;
  entity: RegionEntity;
  name: string;
  title: string;
  tier: 1 | 2 | 3;
  tierLabel: string;
  hubRef?: string;
  hubName: string;
  location: string;
  country: string;
  lifecycle: string;
  cidr: string;
  ownerRef?: string;
  ownerName: string;
  provider: string;
  /** Undefined while the backend status is unknown. */
  conflicts?: number;
  status: string;
  /** `spec.replication.role`, when declared. */
  declaredRole?: string;
  /** What the node says; undefined while the backend does not know. */
  observedRole?: ObservedRole;
  /** The drift's message, when the node contradicts the declared role. */
  roleDrift?: string;
  /** The role the column shows, for search and sorting. */
  role: string;
  /** Undefined while no replication sample of the region is known. */
  replicationStatus?: ReplicationStatus;
  /** "2.1 s / 14 KiB", or "—". */
  replicationLag: string;
  /** The probes' verdict; `unknown` while the backend has none. */
  health: HealthStatus;
  healthReason: string;
  /** Undefined until the backend has scored the region. */
  readiness?: { score: number; ready: boolean };
  /** Month-to-date spend; undefined while the backend has no cost of the region. */
  monthToDate?: number;
  /** For a hub: its spokes' month-to-date, summed; undefined for a region with no spoke costed. */
  spokesMonthToDate?: number;
  budgetStatus?: BudgetStatus;
}

function ownerOf(entity: RegionEntity) {
  try {
    const ref = parseEntityRef(entity.spec.owner, {
      defaultKind: 'group',
      defaultNamespace: entity.metadata.namespace,
    });
    return {
      ownerRef: stringifyEntityRef(ref),
      ownerName: humanizeEntityRef(ref, { defaultKind: 'group' }),
    };
  } catch {
    return { ownerRef: undefined, ownerName: entity.spec.owner ?? '' };
  }
}

function statusText(conflicts: number | undefined) {
  if (conflicts === undefined) {
    return 'Unknown';
  }
  if (conflicts === 0) {
    return 'none';
  }
  return `${conflicts} conflict${conflicts === 1 ? '' : 's'}`;
}

/** The table's rows: each entity with what the backend and the costs say of it. */
export function toRows(
  entities: RegionEntity[],
  topology: TopologyResponse | undefined,
  costs: CostSummaryResponse | undefined,
): RegionRow[] {
  const known = new Map(topology?.regions.map(r => [r.ref, r]));
  const costOf = new Map(costs?.regions.map(r => [r.region, r]));
  const rows: RegionRow[] = entities.map(entity => {
    const id = stringifyEntityRef(entity);
    const tier = regionTier(entity.spec.type);
    const hubRef = resolveRegionRef(entity.spec.hub, entity);
    // A region the backend has not read yet has no status either.
    const conflicts = known.get(id)?.conflicts;
    const replication = known.get(id)?.replication;
    const declaredRole = entity.spec.replication?.role;
    // the node's word over the entity's, once a node has said anything
    const observedRole =
      replication?.observedRole && replication.observedRole !== 'unknown'
        ? replication.observedRole
        : undefined;
    return {
      id,
      entity,
      name: entity.metadata.name,
      title: entity.metadata.title ?? '',
      tier,
      tierLabel: formatTier(tier),
      hubRef,
      hubName: hubRef
        ? humanizeEntityRef(parseEntityRef(hubRef), { defaultKind: 'region' })
        : '',
      location: formatLocation(entity.spec.location) ?? '',
      country: entity.spec.location?.country ?? '',
      lifecycle: entity.spec.lifecycle,
      cidr: entity.spec.network?.cidr ?? '',
      ...ownerOf(entity),
      provider: entity.spec.provider ?? '',
      conflicts,
      status: statusText(conflicts),
      declaredRole,
      observedRole,
      roleDrift: replication?.drift,
      role: observedRole ?? declaredRole ?? '',
      replicationStatus: replication?.status,
      replicationLag: formatLag(replication?.lagSeconds, replication?.lagBytes),
      health: known.get(id)?.health?.status ?? 'unknown',
      healthReason:
        known.get(id)?.health?.reason ?? 'no probe has checked this region',
      readiness: known.get(id)?.readiness,
      // a region never read has no cost yet, rather than a cost of nothing
      monthToDate: costOf.get(id)?.collectedAt
        ? costOf.get(id)!.monthToDate
        : undefined,
      budgetStatus: costOf.get(id)?.status,
    };
  });
  // a hub shows what its spokes cost next to its own (one pass: 1,000 rows)
  const spokesCost = new Map<string, number>();
  for (const spoke of rows) {
    if (spoke.hubRef && spoke.monthToDate !== undefined) {
      spokesCost.set(
        spoke.hubRef,
        (spokesCost.get(spoke.hubRef) ?? 0) + spoke.monthToDate,
      );
    }
  }
  for (const row of rows) {
    row.spokesMonthToDate = spokesCost.get(row.id);
  }
  return rows;
}
