import { makeValidator, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  REGION_KIND,
  RegionConflict,
  RegionSummaryResponse,
  TopologyResponse,
} from '@meridian/plugin-regions-common';
import express from 'express';
import Router from 'express-promise-router';
import { DatabaseRegionsStore } from '../database/DatabaseRegionsStore';
import { buildTopology, summarizeRegion } from './topology';

const validator = makeValidator();

/** The `/api/regions` routes, answered from the stored snapshot. */
export async function createRouter(options: {
  store: DatabaseRegionsStore;
}): Promise<express.Router> {
  const { store } = options;
  const router = Router();

  router.get('/topology', async (_req, res) => {
    const body: TopologyResponse = buildTopology(await store.getSnapshot());
    res.json(body);
  });

  router.get('/regions/:namespace/:name', async (req, res) => {
    const { namespace, name } = req.params;
    if (!validator.isValidNamespace(namespace)) {
      throw new InputError(`"${namespace}" is not a valid namespace`);
    }
    if (!validator.isValidEntityName(name)) {
      throw new InputError(`"${name}" is not a valid region name`);
    }
    const ref = stringifyEntityRef({ kind: REGION_KIND, namespace, name });
    const found = await store.getRegion(ref);
    if (!found) {
      throw new NotFoundError(`No region ${ref} in the catalog`);
    }
    const body: RegionSummaryResponse = {
      region: summarizeRegion(found.region, found.conflicts),
      conflicts: found.conflicts,
      syncedAt: found.syncedAt?.toISOString() ?? null,
    };
    res.json(body);
  });

  router.get('/conflicts', async (_req, res) => {
    const { conflicts, syncedAt } = await store.getConflicts();
    const body: { conflicts: RegionConflict[]; syncedAt: string | null } = {
      conflicts,
      syncedAt: syncedAt?.toISOString() ?? null,
    };
    res.json(body);
  });

  return router;
}
