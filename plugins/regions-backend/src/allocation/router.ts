import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/config';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CidrAllocationsResponse,
  CidrPoolsResponse,
  RegionEntity,
  regionsRegionCreatePermission,
  validateRegionEntity,
} from '@meridian/plugin-regions-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { AllocationStore } from '../database/AllocationStore';
import { CidrAllocator } from './CidrAllocator';

/**
 * The provisioning routes: CIDR pools and allocations, and the Region
 * entities landed by templates without a git host. Allocating and landing
 * create regions: both need `regions.region.create` and are audited.
 */
export function createAllocationRouter(options: {
  allocator: CidrAllocator;
  store: AllocationStore;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
}): express.Router {
  const { allocator, store, httpAuth, permissions, auditor } = options;
  const router = Router();
  router.use(express.json());

  /** Runs `fn` for a caller allowed to create regions, audited as `eventId`. */
  async function creating<T>(
    req: Request,
    eventId: string,
    meta: JsonObject,
    fn: () => Promise<T>,
  ): Promise<T> {
    const auditorEvent = await auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      request: req,
      meta,
    });
    try {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const [decision] = await permissions.authorize(
        [{ permission: regionsRegionCreatePermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `creating regions needs the permission ${regionsRegionCreatePermission.name}`,
        );
      }
      const result = await fn();
      await auditorEvent.success();
      return result;
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  }

  router.get('/pools', async (_req, res) => {
    const body: CidrPoolsResponse = { pools: await allocator.listPools() };
    res.json(body);
  });

  router.get('/allocations', async (_req, res) => {
    const body: CidrAllocationsResponse = {
      allocations: await store.listAllocations(),
    };
    res.json(body);
  });

  router.post('/allocations', async (req, res) => {
    const { pool, region } = req.body ?? {};
    const allocation = await creating(
      req,
      'region-cidr-allocate',
      { pool, region },
      () => allocator.allocate({ pool, region }),
    );
    res.status(allocation.created ? 201 : 200).json(allocation);
  });

  router.get('/landings', async (_req, res) => {
    const landings = await store.listLandings();
    res.json({
      entities: landings.map(landing => landing.entity),
    });
  });

  router.post('/landings', async (req, res) => {
    const entity = req.body?.entity as RegionEntity | undefined;
    await creating(
      req,
      'region-land',
      { region: entity?.metadata?.name ?? null },
      async () => {
        if (!entity || typeof entity !== 'object') {
          throw new InputError('entity must be a Region entity object');
        }
        const problems = validateRegionEntity(entity);
        if (problems.length > 0) {
          throw new InputError(
            `The region is not valid: ${problems
              .map(p => p.message)
              .join('; ')}`,
          );
        }
        await store.land(entity);
      },
    );
    res.status(201).json({ entity });
  });

  return router;
}
