import { InputError, NotFoundError } from '@backstage/errors';
import {
  ANNOTATION_REGION_DATABASE,
  RegionConflict,
  RegionEntity,
  RegionSummaryResponse,
  REPLICATION_WINDOWS,
  ReplicationResponse,
  ReplicationWindow,
  ReadinessResponse,
} from '@meridian/plugin-regions-common';
import express from 'express';
import Router from 'express-promise-router';
import { RegionHealth } from '../collectors/probes/RegionHealth';
import { ReplicationCollector } from '../collectors/replication/ReplicationCollector';
import { DatabaseRegionsStore } from '../database/DatabaseRegionsStore';
import { LinkMeasurement } from '../database/LinkLatencyStore';
import { ReplicationStore } from '../database/ReplicationStore';
import { ReadinessEvaluator } from '../readiness/ReadinessEvaluator';
import { directionsOf } from './replicationDirections';
import { ObservedRoles, roleDriftOf } from './observedRoles';
import { regionRefOfPath } from './regionPath';
import { summarizeRegion, topologyJson } from './topology';

/** The `/api/regions` routes, answered from the stored snapshot. */
/** Why no source samples a region, with what to do about it. */
function unobservedReason(region: RegionEntity): string {
  const database = region.metadata.annotations?.[ANNOTATION_REGION_DATABASE];
  return database
    ? `no replication source observes this region: the database "${database}" named by ${ANNOTATION_REGION_DATABASE} is not configured under regions.databases`
    : `no replication source observes this region (annotate it with ${ANNOTATION_REGION_DATABASE} naming a node of regions.databases)`;
}

export async function createRouter(options: {
  store: DatabaseRegionsStore;
  replication: { store: ReplicationStore; collector: ReplicationCollector };
  readiness: ReadinessEvaluator;
  observedRoles: ObservedRoles;
  /** Measured link latency: stored (Prometheus) and from the probes. */
  linkLatency: { list(): Promise<LinkMeasurement[]> };
  /** The probes' view of regions, for the topology's health and user latency. */
  health?: RegionHealth;
}): Promise<express.Router> {
  const { store, replication, readiness, observedRoles, linkLatency, health } =
    options;
  const router = Router();

  async function findRegion(params: { namespace: string; name: string }) {
    const ref = regionRefOfPath(params);
    const found = await store.getRegion(ref);
    if (!found) {
      throw new NotFoundError(`No region ${ref} in the catalog`);
    }
    return { ref, ...found };
  }

  router.get('/topology', async (_req, res) => {
    const body = topologyJson(await store.getSnapshot(), {
      replication: await replication.store.getLatestStates(),
      readiness: await readiness.getLatestScores(),
      observed: {
        roles: observedRoles,
        evidence: await observedRoles.evidence(),
      },
      linkLatency: await linkLatency.list(),
      ...(health
        ? {
            health: await health.summaries(),
            userLatency: await health.userLatency(),
          }
        : {}),
    });
    res.type('json').send(body);
  });

  router.get('/regions/:namespace/:name', async (req, res) => {
    const found = await findRegion(req.params);
    const body: RegionSummaryResponse = {
      region: summarizeRegion(found.region, found.conflicts),
      conflicts: found.conflicts,
      syncedAt: found.syncedAt?.toISOString() ?? null,
    };
    res.json(body);
  });

  router.get('/regions/:namespace/:name/replication', async (req, res) => {
    const window = readWindow(req.query.window);
    const { ref, region } = await findRegion(req.params);
    const spec = region.spec.replication;
    const observed = replication.collector.sourceOf(region) !== undefined;
    const latest = observed
      ? await replication.store.getLatestState(ref)
      : undefined;
    const observedRole = latest?.observedRole ?? 'unknown';
    const upstreamRegion = observedRoles.upstreamRegionOf(
      latest?.standby?.upstream,
    );
    const drift = roleDriftOf(
      region,
      observedRole,
      upstreamRegion,
      await observedRoles.evidence(),
    );
    const body: ReplicationResponse = {
      region: ref,
      role: spec?.role,
      mode: spec?.mode,
      rpoSeconds: spec?.rpoSeconds,
      observed,
      status: latest?.status ?? 'unknown',
      reason:
        latest?.reason ??
        (observed
          ? 'no sample yet; the collector samples the region on its next run'
          : unobservedReason(region)),
      source: latest?.source,
      database: latest?.database,
      observedRole,
      ...(drift ? { drift } : {}),
      sampledAt: latest?.sampledAt.toISOString() ?? null,
      replicas: latest?.replicas ?? [],
      subscriptions: latest?.subscriptions ?? [],
      ...(spec?.role === 'active' && latest
        ? { directions: directionsOf(latest) }
        : {}),
      ...(latest?.standby
        ? {
            standby: {
              ...latest.standby,
              ...(upstreamRegion ? { upstreamRegion } : {}),
            },
          }
        : {}),
      window,
      history: await replication.store.getHistory(ref, window),
    };
    res.json(body);
  });

  router.get('/regions/:namespace/:name/readiness', async (req, res) => {
    const { ref } = await findRegion(req.params);
    const body: ReadinessResponse = await readiness.getReadiness(ref);
    res.json(body);
  });

  // `?entity=component:default/checkout`: only the conflicts naming that entity.
  router.get('/conflicts', async (req, res) => {
    const { conflicts, syncedAt } = await store.getConflicts();
    const entity =
      typeof req.query.entity === 'string' ? req.query.entity : undefined;
    const body: { conflicts: RegionConflict[]; syncedAt: string | null } = {
      conflicts: entity
        ? conflicts.filter(conflict => conflict.entities?.includes(entity))
        : conflicts,
      syncedAt: syncedAt?.toISOString() ?? null,
    };
    res.json(body);
  });

  return router;
}

/** The `window` query parameter, `24h` when absent; InputError (400) for another value. */
export function readWindow(value: unknown): ReplicationWindow {
  if (value === undefined) {
    return '24h';
  }
  if (!REPLICATION_WINDOWS.includes(value as ReplicationWindow)) {
    throw new InputError(
      `window "${value}" is not one of ${REPLICATION_WINDOWS.join(', ')}`,
    );
  }
  return value as ReplicationWindow;
}
