import { NotFoundError } from '@backstage/errors';
import { HealthResponse, RegionEntity } from '@meridian/plugin-regions-common';
import express from 'express';
import Router from 'express-promise-router';
import { RegionHealth } from '../collectors/probes/RegionHealth';
import { regionRefOfPath } from './regionPath';
import { readWindow } from './router';

/**
 * `GET /regions/:namespace/:name/health?window=1h|24h|7d|30d`: the region's
 * status from its probes, each probe's state and error rate over the window,
 * and a series per probe for a chart.
 */
export function createHealthRouter(options: {
  regions: {
    getRegion(ref: string): Promise<{ region: RegionEntity } | undefined>;
  };
  health: RegionHealth;
}): express.Router {
  const router = Router();
  router.get('/regions/:namespace/:name/health', async (req, res) => {
    const window = readWindow(req.query.window);
    const ref = regionRefOfPath(req.params);
    if (!(await options.regions.getRegion(ref))) {
      throw new NotFoundError(`No region ${ref} in the catalog`);
    }
    const body: HealthResponse = await options.health.regionHealth(ref, window);
    res.json(body);
  });
  return router;
}
