import { NotFoundError } from '@backstage/errors';
import {
  PlanResponse,
  PlanValidation,
  RegionEntity,
  resolveRegionRef,
} from '@meridian/plugin-regions-common';
import express from 'express';
import Router from 'express-promise-router';
import { PlanStore } from '../database/PlanStore';
import { ReplicationState } from '../database/ReplicationStore';
import {
  AutomaticFailoverConfig,
  automaticFailoverCovers,
} from '../failover/automatic/config';
import { regionRefOfPath } from './regionPath';

/** How many automatic failover decisions the answer holds. */
export const MAX_LISTED_DECISIONS = 50;

/** What the plan route reads. */
export interface PlanRouterOptions {
  regions: {
    getRegion(ref: string): Promise<{ region: RegionEntity } | undefined>;
  };
  replication: {
    getLatestState(ref: string): Promise<ReplicationState | undefined>;
  };
  plans: PlanStore;
  automatic: AutomaticFailoverConfig;
}

/**
 * `GET /regions/:namespace/:name/plan`: the latest validation of each plan
 * that fails the region over (the region as the primary), the preferred
 * standby first, and the automatic failover policy for the region with its
 * recent decisions.
 */
export function createPlanRouter(options: PlanRouterOptions): express.Router {
  const { regions, plans, automatic } = options;
  const router = Router();

  router.get('/regions/:namespace/:name/plan', async (req, res) => {
    const ref = regionRefOfPath(req.params);
    if (!(await regions.getRegion(ref))) {
      throw new NotFoundError(`No region ${ref} in the catalog`);
    }
    const ranked = await preferredFirst(
      await plans.listValidations({ region: ref }),
      options,
    );
    const [first] = ranked;
    const answer: PlanResponse = {
      region: ref,
      validatedAt: first?.validatedAt ?? null,
      ok: first?.ok ?? null,
      checks: first?.checks ?? [],
      plans: ranked,
      automatic: {
        enabled: automaticFailoverCovers(automatic, ref),
        dryRun: automatic.dryRun,
        decisions: await plans.listAutomaticDecisions(
          ref,
          MAX_LISTED_DECISIONS,
        ),
      },
    };
    res.json(answer);
  });

  return router;
}

/**
 * The plans ordered as an operator would pick the standby: the lowest lag
 * first (unknown last), then the one that declares the region its source.
 */
async function preferredFirst(
  validations: PlanValidation[],
  deps: Pick<PlanRouterOptions, 'regions' | 'replication'>,
): Promise<PlanValidation[]> {
  const ranked = await Promise.all(
    validations.map(async validation => {
      const [found, state] = await Promise.all([
        deps.regions.getRegion(validation.target),
        deps.replication.getLatestState(validation.target),
      ]);
      const declared =
        found !== undefined &&
        resolveRegionRef(
          found.region.spec.replication?.source,
          found.region,
        ) === validation.region;
      return {
        validation,
        lagBytes: state?.lagBytes ?? Number.POSITIVE_INFINITY,
        declared,
      };
    }),
  );
  return ranked
    .sort(
      (a, b) =>
        a.lagBytes - b.lagBytes ||
        Number(b.declared) - Number(a.declared) ||
        a.validation.target.localeCompare(b.validation.target),
    )
    .map(({ validation }) => validation);
}
