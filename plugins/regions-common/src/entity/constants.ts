/** The apiVersion of the Region kind. @public */
export const REGION_API_VERSION = 'meridian.dev/v1alpha1';
/** The Region kind. @public */
export const REGION_KIND = 'Region';

/** Names a node of `regions.databases` in app-config; never holds a secret. @public */
export const ANNOTATION_REGION_DATABASE = 'meridian.dev/database';
/** PromQL label selector of a Region's node among postgres_exporter series, e.g. `{instance="10.16.0.10:9187"}`. @public */
export const ANNOTATION_PROMETHEUS_SELECTOR =
  'meridian.dev/prometheus-selector';
/** On a Region: the `regions.traffic` switches that point at it, comma-separated, e.g. `api-dns`. @public */
export const ANNOTATION_REGION_TRAFFIC = 'meridian.dev/traffic';
/** On a Component, Resource or System: comma-separated region refs it runs in. @public */
export const ANNOTATION_DEPLOYED_REGIONS = 'meridian.dev/regions';
/**
 * On a Component, Resource or System: comma-separated data-protection regimes
 * its data must stay under, e.g. `LGPD, GDPR`; every region it is deployed in
 * must list each of them in `spec.residency`.
 * @public
 */
export const ANNOTATION_RESIDENCY = 'meridian.dev/residency';

/** Spoke to hub (`spec.hub`). @public */
export const RELATION_SPOKE_OF = 'spokeOf';
/** Hub to spoke. @public */
export const RELATION_HUB_OF = 'hubOf';
/** Replica to its source (`spec.replication.source`). @public */
export const RELATION_REPLICA_OF = 'replicaOf';
/** Source to replica. @public */
export const RELATION_HAS_REPLICA = 'hasReplica';
/** Component, Resource or System to a region it runs in. @public */
export const RELATION_DEPLOYED_IN = 'deployedIn';
/** Region to what runs in it. @public */
export const RELATION_HOSTS = 'hosts';

/** Kinds that may carry the `meridian.dev/regions` annotation. @public */
export const DEPLOYABLE_KINDS = ['Component', 'Resource', 'System'] as const;

/** @public */
export const REGION_TYPES = ['global-hub', 'regional-hub', 'edge'] as const;
/** @public */
export const REGION_LIFECYCLES = [
  'planned',
  'provisioning',
  'production',
  'deprecated',
] as const;
/** @public */
export const REPLICATION_ROLES = [
  'primary',
  'warm-standby',
  'cold-standby',
  'active',
] as const;
/** @public */
export const REPLICATION_MODES = [
  'streaming',
  'logical',
  'multi-master',
  'backup',
] as const;
/** Roles that receive data from `replication.source` and so must name one. @public */
export const STANDBY_ROLES = ['warm-standby', 'cold-standby'] as const;
/** Roles a standby may replicate from. @public */
export const SOURCE_ROLES = ['primary', 'active'] as const;
/** On a Region: comma-separated OpenCost cluster names whose costs make up the region; defaults to the region's name. @public */
export const ANNOTATION_OPENCOST_CLUSTERS = 'meridian.dev/opencost-clusters';
