import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ActiveFailoverRun,
  ActiveFailoversResponse,
  FAILOVER_MODES,
  FailoverPreflightResponse,
  FailoverRun,
  FailoverRunsResponse,
  FailoverStartResponse,
} from '@meridian/plugin-regions-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { FailoverStore } from '../database/FailoverStore';
import { FailoverOrchestrator } from '../failover/FailoverOrchestrator';
import { FailoverRegionLookup } from '../failover/plan/FailoverPlanner';
import { regionRefOfPath } from './regionPath';
import {
  actorOf,
  authorizeFailover,
  readSourceFenced,
  regionRefOf,
  startFailoverRun,
} from './startFailoverRun';

const startSchema = z
  .object({
    region: z.string(),
    target: z.string(),
    mode: z.enum(FAILOVER_MODES),
    dryRun: z.boolean().optional(),
    force: z.boolean().optional(),
    sourceFenced: z.string().optional(),
    canary: z
      .object({
        percents: z.array(z.number().int().min(1).max(100)).min(1),
        pauseSeconds: z.number().int().min(0).max(3600).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/**
 * The failover routes: `POST /failovers` (guarded by `regions.failover.run` on
 * both regions, audited with its actor), `POST /failovers/preflight`,
 * `POST /failovers/:id/resume | approve | cancel` (the same rule),
 * `GET /failovers/:id`, `GET /regions/:namespace/:name/failovers` and
 * `GET /failovers?status=active` (the runs in progress, across regions).
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
    const run = await startFailoverRun(
      { orchestrator, regions, permissions, auditor },
      {
        request: parseStart(req.body),
        credentials: () =>
          httpAuth.credentials(req, { allow: ['user', 'service'] }),
        httpRequest: req,
        via: 'http',
      },
    );
    const answer: FailoverStartResponse = { id: run.id, status: run.status };
    res.status(202).json(answer);
  });

  router.post('/failovers/preflight', async (req, res) => {
    const request = parseStart(req.body);
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const region = regionRefOf(request.region, 'region');
    const target = regionRefOf(request.target, 'target');
    const sourceFenced = readSourceFenced(request);
    await authorizeFailover(permissions, credentials, {
      regions: [region, target],
      mode: 'drill',
      dryRun: true,
      via: 'http',
    });
    const answer: FailoverPreflightResponse = {
      ...(await orchestrator.planner.preflight(
        {
          region,
          target,
          mode: request.mode,
          sourceFenced,
          canary: request.canary,
        },
        { force: request.force ?? false, signal: AbortSignal.timeout(30_000) },
      )),
      approvalsRequired: orchestrator.approvalsRequiredFor({
        mode: request.mode,
        dryRun: request.dryRun ?? false,
      }),
    };
    res.json(answer);
  });

  /*
   * Acting on a run — resume, approve, cancel — needs what starting it needs
   * (regions.failover.run on both regions; a service or an assistant only for
   * a drill unless granted outright), and is audited as `failover-<action>`.
   */
  const actions = {
    resume: (id: string, actor: string) => orchestrator.resume(id, actor),
    approve: (id: string, actor: string) => orchestrator.approve(id, actor),
    cancel: (id: string, actor: string) => orchestrator.cancel(id, actor),
  };
  for (const [action, act] of Object.entries(actions)) {
    router.post(`/failovers/:id/${action}`, async (req, res) => {
      const run = await store.getRun(req.params.id);
      if (!run) {
        throw new NotFoundError(`No failover run ${req.params.id}`);
      }
      const auditorEvent = await auditor.createEvent({
        eventId: `failover-${action}`,
        severityLevel: run.mode === 'drill' || run.dryRun ? 'medium' : 'high',
        request: req,
        meta: {
          runId: run.id,
          region: run.region,
          target: run.target,
          mode: run.mode,
        },
      });
      try {
        const credentials = await httpAuth.credentials(req, {
          allow: ['user', 'service'],
        });
        await authorizeFailover(permissions, credentials, {
          regions: [run.region, run.target],
          mode: run.mode,
          dryRun: run.dryRun,
          via: 'http',
        });
        const actor = actorOf(credentials);
        const acted = await act(run.id, actor);
        await auditorEvent.success({ meta: { actor } });
        const answer: FailoverStartResponse = {
          id: acted.id,
          status: acted.status,
        };
        res.status(202).json(answer);
      } catch (error) {
        await auditorEvent.fail({ error: error as Error });
        throw error;
      }
    });
  }

  /*
   * The runs in progress across regions, for the home page. A run names two
   * regions: it is listed only to whoever may read both in the catalog.
   */
  router.get('/failovers', async (req, res) => {
    readActiveStatus(req.query.status);
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const runs = await store.listUnfinishedRuns();
    const refs = [...new Set(runs.flatMap(run => [run.region, run.target]))];
    const decisions = refs.length
      ? await permissions.authorize(
          refs.map(resourceRef => ({
            permission: catalogEntityReadPermission,
            resourceRef,
          })),
          { credentials },
        )
      : [];
    const readable = new Set(
      refs.filter(
        (_ref, index) => decisions[index].result === AuthorizeResult.ALLOW,
      ),
    );
    const answer: ActiveFailoversResponse = {
      runs: runs
        .filter(run => readable.has(run.region) && readable.has(run.target))
        .map(activeRunOf),
    };
    res.json(answer);
  });

  router.get('/failovers/:id', async (req, res) => {
    const run = await store.getRun(req.params.id);
    if (!run) {
      throw new NotFoundError(`No failover run ${req.params.id}`);
    }
    res.json(run);
  });

  router.get('/regions/:namespace/:name/failovers', async (req, res) => {
    const ref = regionRefOfPath(req.params);
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

/** `?status=` of `GET /failovers`: only `active` is listed across regions. */
function readActiveStatus(value: unknown): void {
  if (value !== 'active') {
    throw new InputError(
      value === undefined
        ? 'status is required: only status=active (runs in progress) is listed across regions'
        : `status ${JSON.stringify(
            value,
          )} is not supported: only status=active (runs in progress) is listed across regions`,
    );
  }
}

function activeRunOf(run: FailoverRun): ActiveFailoverRun {
  return {
    id: run.id,
    region: run.region,
    target: run.target,
    mode: run.mode,
    dryRun: run.dryRun,
    // the store lists only runs that are not over
    status: run.status as ActiveFailoverRun['status'],
    createdBy: run.createdBy,
    startedAt: run.createdAt,
  };
}
