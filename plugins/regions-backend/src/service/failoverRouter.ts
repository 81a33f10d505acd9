import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { makeValidator, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  FAILOVER_MODES,
  FailoverRunsResponse,
  FailoverStartResponse,
  parseRegionRef,
  REGION_KIND,
  regionsFailoverRunPermission,
} from '@meridian/plugin-regions-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { FailoverStore } from '../database/FailoverStore';
import {
  FailoverOrchestrator,
  FailoverRegionLookup,
} from '../failover/FailoverOrchestrator';

const validator = makeValidator();

const startSchema = z
  .object({
    region: z.string(),
    target: z.string(),
    mode: z.enum(FAILOVER_MODES),
    dryRun: z.boolean().optional(),
    force: z.boolean().optional(),
  })
  .strict();

/**
 * The failover routes: `POST /failovers` (guarded by `regions.failover.run` on
 * the region, audited with its actor), `GET /failovers/:id` and
 * `GET /regions/:namespace/:name/failovers`.
 */
export async function createFailoverRouter(options: {
  orchestrator: FailoverOrchestrator;
  store: FailoverStore;
  regions: FailoverRegionLookup;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
}): Promise<express.Router> {
  const { orchestrator, store, regions, httpAuth, permissions, auditor } =
    options;
  const router = Router();
  router.use(express.json());

  router.post('/failovers', async (req, res) => {
    const body = parseStart(req.body);
    const region = regionRefOf(body.region, 'region');
    const target = regionRefOf(body.target, 'target');
    if (region === target) {
      throw new InputError(
        `target "${body.target}" is the region itself; name the standby region to promote`,
      );
    }
    const request = {
      region,
      target,
      mode: body.mode,
      dryRun: body.dryRun ?? false,
      force: body.force ?? false,
    };
    const auditorEvent = await auditor.createEvent({
      eventId: 'failover-run',
      severityLevel:
        request.dryRun || request.mode === 'drill' ? 'medium' : 'high',
      request: req,
      meta: { ...request },
    });
    try {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
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
      const run = await orchestrator.start(request, actor);
      await auditorEvent.success({ meta: { runId: run.id, actor } });
      const answer: FailoverStartResponse = { id: run.id, status: run.status };
      res.status(202).json(answer);
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  });

  router.get('/failovers/:id', async (req, res) => {
    const run = await store.getRun(req.params.id);
    if (!run) {
      throw new NotFoundError(`No failover run ${req.params.id}`);
    }
    res.json(run);
  });

  router.get('/regions/:namespace/:name/failovers', async (req, res) => {
    const { namespace, name } = req.params;
    if (!validator.isValidNamespace(namespace)) {
      throw new InputError(`"${namespace}" is not a valid namespace`);
    }
    if (!validator.isValidEntityName(name)) {
      throw new InputError(`"${name}" is not a valid region name`);
    }
    const ref = stringifyEntityRef({ kind: REGION_KIND, namespace, name });
    if (!(await regions.getRegion(ref))) {
      throw new NotFoundError(`No region ${ref} in the catalog`);
    }
    const answer: FailoverRunsResponse = { runs: await store.listRuns(ref) };
    res.json(answer);
  });

  return router;
}

function parseStart(body: unknown): z.infer<typeof startSchema> {
  const parsed = startSchema.safeParse(body ?? {});
  if (parsed.success) {
    return parsed.data;
  }
  const messages = parsed.error.issues.map(issue => {
    if (issue.code === 'unrecognized_keys') {
      return `unknown field ${issue.keys.map(key => `"${key}"`).join(', ')}`;
    }
    const field = issue.path.join('.') || 'body';
    const value = issue.path.reduce<unknown>(
      (at, key) => (at as Record<string, unknown> | undefined)?.[key],
      body,
    );
    if (value === undefined) {
      return `${field} is required`;
    }
    const shown = JSON.stringify(value);
    if (issue.code === 'invalid_enum_value') {
      return `${field} ${shown} is not one of ${issue.options.join(', ')}`;
    }
    return `${field} ${shown} is invalid: ${issue.message.toLowerCase()}`;
  });
  throw new InputError(messages.join('; '));
}

function regionRefOf(value: string, field: string): string {
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
