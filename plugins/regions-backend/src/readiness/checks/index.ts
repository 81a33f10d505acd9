import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ProbeHealth, RegionEntity } from '@meridian/plugin-regions-common';
import { ReadinessCheck } from '@meridian/plugin-regions-node';
import { LinkMeasurement } from '../../database/LinkLatencyStore';
import { ReplicationStore } from '../../database/ReplicationStore';
import { FailoverHistory } from '../FailoverHistory';
import {
  createFailoverPlanValidatedCheck,
  createLagWithinRpoCheck,
  createRecentDrillCheck,
  drPlanDeclaredCheck,
  PlanValidations,
} from './backupDr';
import { createComponentsDeployedCheck } from './deployment';
import { runbookCheck } from './documentation';
import {
  catalogValidCheck,
  createLatencyWithinTargetsCheck,
  hubAndLatencyTargetsCheck,
} from './infrastructure';
import {
  availabilityTargetCheck,
  createHealthProbesCheck,
  createReplicationObservedCheck,
} from './observability';
import {
  createOwnerKnownCheck,
  residencyDeclaredCheck,
  residencyRespectedCheck,
} from './security';

/** What the built-in checks read their facts from. */
export interface BuiltInReadinessCheckDeps {
  catalog: CatalogService;
  auth: AuthService;
  replication: {
    store: ReplicationStore;
    /** The id of the source that samples the region, if any. */
    sourceOf(region: RegionEntity): string | undefined;
    /** The age from which a sample is stale (3 collector intervals). */
    staleAfterMs: number;
  };
  /** The recorded failover runs; the drill check is `unknown` without it. */
  failoverHistory?: FailoverHistory;
  /** Measured link latency; the latency check is left out without it. */
  linkLatency?: { list(): Promise<LinkMeasurement[]> };
  /** The scheduled validations of failover plans. */
  plans: PlanValidations;
  /** The probes' view of regions; the health-probes check is left out without it. */
  health?: { regionProbes(regionRef: string): Promise<ProbeHealth[]> };
  /** How long the lag must be observed for full credit; default a day. */
  lagEvidenceMs?: number;
}

/** The checks of the seed scorecard, in the order the tab shows them. */
export function createBuiltInReadinessChecks(
  deps: BuiltInReadinessCheckDeps,
): ReadinessCheck[] {
  return [
    catalogValidCheck,
    hubAndLatencyTargetsCheck,
    ...(deps.linkLatency
      ? [createLatencyWithinTargetsCheck({ linkLatency: deps.linkLatency })]
      : []),
    createReplicationObservedCheck(deps.replication),
    ...(deps.health ? [createHealthProbesCheck({ health: deps.health })] : []),
    availabilityTargetCheck,
    createComponentsDeployedCheck(deps),
    createOwnerKnownCheck(deps),
    residencyDeclaredCheck,
    residencyRespectedCheck,
    drPlanDeclaredCheck,
    createLagWithinRpoCheck({
      store: deps.replication.store,
      sampleIntervalMs: deps.replication.staleAfterMs / 3,
      fullEvidenceMs: deps.lagEvidenceMs,
    }),
    createRecentDrillCheck(deps),
    createFailoverPlanValidatedCheck(deps),
    runbookCheck,
  ];
}
