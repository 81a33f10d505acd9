import { BackendPluginRegistrationPoints } from '@backstage/backend-plugin-api';
import {
  CostSource,
  Fencer,
  Promoter,
  ReadinessCheck,
  RegionConflictRule,
  regionsConflictRulesExtensionPoint,
  regionsCostSourcesExtensionPoint,
  regionsFailoverExtensionPoint,
  regionsFencersExtensionPoint,
  regionsReadinessChecksExtensionPoint,
  regionsReplicationSourcesExtensionPoint,
  ReplicationSource,
  TrafficSwitchFactory,
} from '@meridian/plugin-regions-node';
import { builtInConflictRules } from './conflicts';

/** What modules added through the plugin's extension points, read at init. */
export interface RegionsExtensions {
  /** Conflict rules by id, the built-in ones first. */
  rules: Map<string, RegionConflictRule>;
  /** Asked before the built-in sources. */
  replicationSources: ReplicationSource[];
  /** Scored after the built-in checks. */
  readinessChecks: ReadinessCheck[];
  /** Ahead of the built-in promoters. */
  promoters: Promoter[];
  /** Ahead of the built-in traffic drivers. */
  trafficSwitchFactories: TrafficSwitchFactory[];
  /** Asked before the built-in patroni, sql and command fencers. */
  fencers: Fencer[];
  /** Asked before the built-in OpenCost source. */
  costSources: CostSource[];
}

/** Registers the plugin's extension points; what modules add fills the answer. */
export function registerRegionsExtensionPoints(
  env: BackendPluginRegistrationPoints,
): RegionsExtensions {
  const extensions: RegionsExtensions = {
    rules: new Map(builtInConflictRules.map(rule => [rule.id, rule])),
    replicationSources: [],
    readinessChecks: [],
    promoters: [],
    trafficSwitchFactories: [],
    fencers: [],
    costSources: [],
  };
  env.registerExtensionPoint(regionsConflictRulesExtensionPoint, {
    addConflictRule(...added) {
      for (const rule of added) {
        if (extensions.rules.has(rule.id)) {
          throw new Error(
            `A region conflict rule with id '${rule.id}' is already registered`,
          );
        }
        extensions.rules.set(rule.id, rule);
      }
    },
  });
  env.registerExtensionPoint(regionsReplicationSourcesExtensionPoint, {
    addReplicationSource(...sources) {
      extensions.replicationSources.push(...sources);
    },
  });
  env.registerExtensionPoint(regionsReadinessChecksExtensionPoint, {
    addReadinessCheck(...checks) {
      extensions.readinessChecks.push(...checks);
    },
  });
  env.registerExtensionPoint(regionsFailoverExtensionPoint, {
    addPromoter(...promoters) {
      extensions.promoters.push(...promoters);
    },
    addTrafficSwitchFactory(...factories) {
      extensions.trafficSwitchFactories.push(...factories);
    },
  });
  env.registerExtensionPoint(regionsFencersExtensionPoint, {
    addFencer(...fencers) {
      extensions.fencers.push(...fencers);
    },
  });
  env.registerExtensionPoint(regionsCostSourcesExtensionPoint, {
    addCostSource(...sources) {
      extensions.costSources.push(...sources);
    },
  });
  return extensions;
}
