import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  REGION_KIND,
  RegionEntity,
  regionsFailoverRunPermission,
} from '@meridian/plugin-regions-common';
import express from 'express';
import Router from 'express-promise-router';
import { parse } from 'yaml';
import { AllocationStore } from '../database/AllocationStore';
import { DatabaseRegionsStore } from '../database/DatabaseRegionsStore';
import { ReplicationStore } from '../database/ReplicationStore';
import { DriftPullRequests } from './driftPullRequest';
import { ObservedRoles, roleDriftOf } from './observedRoles';

/**
 * `POST /regions/:namespace/:name/drift/fix`: for a region landed by the
 * provisioning template, rewrites its entity's `spec.replication` to what its
 * node says after a failover (the catalog's provider serves it on its next
 * read). For a region defined in a GitHub repository `integrations.github`
 * has credentials for, opens a pull request changing its file (201); any
 * other answers 409 with the change to make where it is defined.
 * Needs `regions.failover.run` on the region; audited as `region-drift-fix`.
 */
export function createDriftRouter(options: {
  regions: DatabaseRegionsStore;
  replication: ReplicationStore;
  observedRoles: ObservedRoles;
  landings: AllocationStore;
  pullRequests: DriftPullRequests;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
}): express.Router {
  const { regions, replication, observedRoles, landings } = options;
  const router = Router();
  router.post('/regions/:namespace/:name/drift/fix', async (req, res) => {
    const ref = stringifyEntityRef({
      kind: REGION_KIND,
      namespace: req.params.namespace,
      name: req.params.name,
    });
    const auditorEvent = await options.auditor.createEvent({
      eventId: 'region-drift-fix',
      severityLevel: 'medium',
      request: req,
      meta: { region: ref },
    });
    try {
      const credentials = await options.httpAuth.credentials(req, {
        allow: ['user'],
      });
      const [decision] = await options.permissions.authorize(
        [{ permission: regionsFailoverRunPermission, resourceRef: ref }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `you may not change ${ref}: it needs ${regionsFailoverRunPermission.name} on the region`,
        );
      }
      const found = await regions.getRegion(ref);
      const landed = (await landings.listLandings()).find(
        landing => stringifyEntityRef(landing.entity) === ref,
      );
      if (!found && !landed) {
        throw new NotFoundError(`No region ${ref}`);
      }
      const region = (found?.region ?? landed!.entity) as RegionEntity;
      const state = await replication.getLatestState(ref);
      const drift = roleDriftOf(
        region,
        state?.observedRole ?? 'unknown',
        observedRoles.upstreamRegionOf(state?.standby?.upstream),
        await observedRoles.evidence(),
      );
      if (!drift) {
        throw new ConflictError(
          `${ref} declares what its node says (${
            state?.observedRole ?? 'unknown'
          }): nothing to fix`,
        );
      }
      // the file named by the catalog's copy of the entity, never the request
      const file = !landed && options.pullRequests.locate(region);
      if (file) {
        const pullRequest = await options.pullRequests.open({
          region,
          file,
          drift,
          user: credentials.principal.userEntityRef,
        });
        await auditorEvent.success({
          meta: { drift: drift.message, pullRequest: pullRequest.url },
        });
        res.status(201).json({ pullRequest });
        return;
      }
      if (!landed) {
        throw new ConflictError(
          `${ref} is not a region landed by the provisioning template: change its entity where it is defined, to:\n${drift.fix.yaml}`,
        );
      }
      const entity: RegionEntity = {
        ...landed.entity,
        spec: {
          ...landed.entity.spec,
          replication: parse(drift.fix.yaml).spec.replication,
        },
      };
      await landings.land(entity);
      await auditorEvent.success({ meta: { drift: drift.message } });
      res.json({ entity });
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  });
  return router;
}
