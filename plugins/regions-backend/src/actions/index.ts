import { AuthService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { ReplicationCollector } from '../collectors/replication/ReplicationCollector';
import { DatabaseRegionsStore } from '../database/DatabaseRegionsStore';
import { FailoverStore } from '../database/FailoverStore';
import { ReplicationStore } from '../database/ReplicationStore';
import { ReadinessEvaluator } from '../readiness/ReadinessEvaluator';
import { ObservedRoles } from '../service/observedRoles';
import { FailoverStartDeps } from '../service/startFailoverRun';
import { registerGetFailoverRunAction } from './getFailoverRun';
import { registerGetRegionTakeoverStatusAction } from './getRegionTakeoverStatus';
import { registerStartRegionFailoverAction } from './startRegionFailover';

/**
 * Registers the regions actions in Backstage's actions registry, where the
 * MCP actions backend offers them to assistants.
 */
export function registerRegionsActions(
  options: FailoverStartDeps & {
    actionsRegistry: ActionsRegistryService;
    auth: AuthService;
    regions: DatabaseRegionsStore;
    replication: { store: ReplicationStore; collector: ReplicationCollector };
    readiness: ReadinessEvaluator;
    failovers: FailoverStore;
    observedRoles: ObservedRoles;
    appBaseUrl?: string;
  },
) {
  registerGetRegionTakeoverStatusAction({
    ...options,
    planner: options.orchestrator.planner,
  });
  registerStartRegionFailoverAction(options);
  registerGetFailoverRunAction(options);
}
