import { InputError } from '@backstage/errors';
import {
  CidrAllocationsResponse,
  CidrPoolsResponse,
  RegionEntity,
  validateRegionEntity,
} from '@meridian/plugin-regions-common';
import express from 'express';
import Router from 'express-promise-router';
import { AllocationStore } from '../database/AllocationStore';
import { CidrAllocator } from './CidrAllocator';

/**
 * The provisioning routes: CIDR pools and allocations, and the Region
 * entities landed by templates without a git host.
 */
export function createAllocationRouter(options: {
  allocator: CidrAllocator;
  store: AllocationStore;
}): express.Router {
  const { allocator, store } = options;
  const router = Router();
  router.use(express.json());

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
    const allocation = await allocator.allocate({ pool, region });
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
    if (!entity || typeof entity !== 'object') {
      throw new InputError('entity must be a Region entity object');
    }
    const problems = validateRegionEntity(entity);
    if (problems.length > 0) {
      throw new InputError(
        `The region is not valid: ${problems.map(p => p.message).join('; ')}`,
      );
    }
    await store.land(entity);
    res.status(201).json({ entity });
  });

  return router;
}
