import {
  AuditorService,
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  FailoverRequest,
  FailoverRun,
  parseRegionRef,
  regionsFailoverRunPermission,
} from '@meridian/plugin-regions-common';
import { Request } from 'express';
import {
  FailoverOrchestrator,
  FailoverRegionLookup,
} from '../failover/FailoverOrchestrator';

/** What starting a failover run needs, whoever asks for it. */
export interface FailoverStartDeps {
  orchestrator: FailoverOrchestrator;
  regions: FailoverRegionLookup;
  permissions: PermissionsService;
  auditor: AuditorService;
}

/**
 * Starts a failover run for `POST /failovers` and the `start-region-failover`
 * action alike: canonical refs, the `failover-run` audit event, the
 * `regions.failover.run` check on the region, then the orchestrator, which
 * answers ConflictError while another run holds the region or target.
 * `credentials` is a function so that an unauthenticated caller is audited too.
 */
export async function startFailoverRun(
  deps: FailoverStartDeps,
  options: {
    request: FailoverRequest;
    credentials: () => Promise<
      BackstageCredentials<BackstageUserPrincipal | BackstageServicePrincipal>
    >;
    /** The HTTP request, for the audit event, when there is one. */
    httpRequest?: Request;
    /** How the run was asked for, recorded in the audit event. */
    via: 'http' | 'action';
  },
): Promise<FailoverRun> {
  const { orchestrator, regions, permissions, auditor } = deps;
  const region = regionRefOf(options.request.region, 'region');
  const target = regionRefOf(options.request.target, 'target');
  if (region === target) {
    throw new InputError(
      `target "${options.request.target}" is the region itself; name the standby region to promote`,
    );
  }
  const start = {
    region,
    target,
    mode: options.request.mode,
    dryRun: options.request.dryRun ?? false,
    force: options.request.force ?? false,
  };
  const auditorEvent = await auditor.createEvent({
    eventId: 'failover-run',
    severityLevel: start.dryRun || start.mode === 'drill' ? 'medium' : 'high',
    request: options.httpRequest,
    meta: { ...start, via: options.via },
  });
  try {
    const credentials = await options.credentials();
    if (!(await regions.getRegion(region))) {
      throw new NotFoundError(
        `region ${region} is not a region in the catalog`,
      );
    }
    const [decision] = await permissions.authorize(
      [{ permission: regionsFailoverRunPermission, resourceRef: region }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `you may not run a failover of ${region}: it needs the permission ${regionsFailoverRunPermission.name} (given to the region's owners)`,
      );
    }
    const actor =
      credentials.principal.type === 'user'
        ? credentials.principal.userEntityRef
        : credentials.principal.subject;
    const run = await orchestrator.start(start, actor);
    await auditorEvent.success({ meta: { runId: run.id, actor } });
    return run;
  } catch (error) {
    await auditorEvent.fail({ error: error as Error });
    throw error;
  }
}

/** The canonical ref of a region named by `field`, e.g. `us-west` → `region:default/us-west`. */
export function regionRefOf(value: string, field: string): string {
  let ref;
  try {
    ref = parseRegionRef(value);
  } catch {
    throw new InputError(
      `${field} "${value}" is not an entity ref like region:default/us-east`,
    );
  }
  if (ref.kind.toLocaleLowerCase('en-US') !== 'region') {
    throw new InputError(`${field} "${value}" is a ${ref.kind}, not a Region`);
  }
  return stringifyEntityRef(ref);
}
