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
  FailoverRunMode,
  FailoverRun,
  parseRegionRef,
  regionsFailoverRunPermission,
} from '@meridian/plugin-regions-common';
import { Request } from 'express';
import { FailoverOrchestrator } from '../failover/FailoverOrchestrator';
import { FailoverRegionLookup } from '../failover/plan/FailoverPlanner';

/** What starting a failover run needs, whoever asks for it. */
export interface FailoverStartDeps {
  orchestrator: FailoverOrchestrator;
  regions: FailoverRegionLookup;
  permissions: PermissionsService;
  auditor: AuditorService;
}

type Credentials = BackstageCredentials<
  BackstageUserPrincipal | BackstageServicePrincipal
>;

/** How a run was asked for, recorded in the audit event. */
export type FailoverVia = 'http' | 'action';

/**
 * May these credentials run a failover of `mode` between these regions? The
 * one permission rule, for starting and resuming alike:
 *
 * - `regions.failover.run` must be allowed on both regions (the policy of the
 *   example app gives it to each region's owners);
 * - a service principal, or anyone through the assistant actions, may start
 *   more than a drill only where the policy answers `regions.failover.run`
 *   with an unconditional ALLOW for them: an owner-conditional decision is
 *   not enough for an unattended caller.
 *
 * Throws NotAllowedError naming what is missing.
 */
export async function authorizeFailover(
  permissions: PermissionsService,
  credentials: Credentials,
  options: {
    regions: string[];
    mode: FailoverRunMode;
    dryRun: boolean;
    via: FailoverVia;
  },
): Promise<void> {
  const decisions = await permissions.authorize(
    options.regions.map(resourceRef => ({
      permission: regionsFailoverRunPermission,
      resourceRef,
    })),
    { credentials },
  );
  const denied = options.regions.filter(
    (_ref, index) => decisions[index].result !== AuthorizeResult.ALLOW,
  );
  if (denied.length) {
    throw new NotAllowedError(
      `you may not run a failover of ${denied.join(
        ' and ',
      )}: it needs the permission ${
        regionsFailoverRunPermission.name
      } on both regions (given to the regions' owners)`,
    );
  }
  const unattended =
    credentials.principal.type === 'service' || options.via === 'action';
  if (unattended && options.mode !== 'drill' && !options.dryRun) {
    const [decision] = await permissions.authorizeConditional(
      [{ permission: regionsFailoverRunPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `${
          credentials.principal.type === 'service'
            ? `the service ${credentials.principal.subject}`
            : 'an assistant action'
        } may start only drills: a ${
          options.mode
        } needs the permission policy to grant ${
          regionsFailoverRunPermission.name
        } to it explicitly (see the regions-backend README)`,
      );
    }
  }
}

/** Who a run is recorded as started (or resumed) by. */
export function actorOf(credentials: Credentials): string {
  return credentials.principal.type === 'user'
    ? credentials.principal.userEntityRef
    : credentials.principal.subject;
}

/**
 * Starts a failover run for `POST /failovers` and the `start-region-failover`
 * action alike: canonical refs, the `failover-run` audit event (with the
 * operator's attestation when there is one), the permission rule above, then
 * the orchestrator, which answers ConflictError while another run holds a
 * region or node. `credentials` is a function so that an unauthenticated
 * caller is audited too.
 */
export async function startFailoverRun(
  deps: FailoverStartDeps,
  options: {
    request: FailoverRequest;
    credentials: () => Promise<Credentials>;
    /** The HTTP request, for the audit event, when there is one. */
    httpRequest?: Request;
    via: FailoverVia;
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
  const sourceFenced = readSourceFenced(options.request);
  const start = {
    region,
    target,
    mode: options.request.mode,
    dryRun: options.request.dryRun ?? false,
    force: options.request.force ?? false,
    ...(sourceFenced ? { sourceFenced } : {}),
    ...(options.request.canary ? { canary: options.request.canary } : {}),
  };
  const auditorEvent = await auditor.createEvent({
    eventId: 'failover-run',
    severityLevel: start.dryRun || start.mode === 'drill' ? 'medium' : 'high',
    request: options.httpRequest,
    meta: {
      ...start,
      canary: start.canary
        ? {
            percents: start.canary.percents,
            pauseSeconds: start.canary.pauseSeconds ?? null,
          }
        : null,
      via: options.via,
    },
  });
  try {
    const credentials = await options.credentials();
    for (const [ref, field] of [
      [region, 'region'],
      [target, 'target'],
    ]) {
      if (!(await regions.getRegion(ref))) {
        throw new NotFoundError(
          `${field} ${ref} is not a region in the catalog`,
        );
      }
    }
    await authorizeFailover(permissions, credentials, {
      regions: [region, target],
      mode: start.mode,
      dryRun: start.dryRun,
      via: options.via,
    });
    const actor = actorOf(credentials);
    const run = await orchestrator.start(start, actor);
    await auditorEvent.success({ meta: { runId: run.id, actor } });
    return run;
  } catch (error) {
    await auditorEvent.fail({ error: error as Error });
    throw error;
  }
}

/**
 * `sourceFenced`: words, only for an emergency failover. Blank text is no
 * account of anything.
 */
export function readSourceFenced(request: FailoverRequest): string | undefined {
  const { sourceFenced, mode } = request;
  if (sourceFenced === undefined) {
    return undefined;
  }
  if (mode !== 'failover') {
    throw new InputError(
      `sourceFenced is only for mode failover (an emergency with the old primary lost), not ${mode}`,
    );
  }
  const text = sourceFenced.trim();
  if (text.length < 10) {
    throw new InputError(
      `sourceFenced ${JSON.stringify(
        sourceFenced,
      )} does not say what was done: describe how the old primary was made safe (e.g. "powered off db-1 in the console at 03:12")`,
    );
  }
  return text;
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
