import { AuthService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { FAILOVER_MODES, FailoverRun } from '@meridian/plugin-regions-common';
import { FailoverStore } from '../database/FailoverStore';
import {
  FailoverStartDeps,
  startFailoverRun,
} from '../service/startFailoverRun';
import { RUN_STATUSES } from './getFailoverRun';

/** How long the action waits for a drill to finish before answering. */
const DRILL_WAIT_MS = 30_000;

/** Registers `start-region-failover`. */
export function registerStartRegionFailoverAction(
  options: FailoverStartDeps & {
    actionsRegistry: ActionsRegistryService;
    auth: AuthService;
    failovers: FailoverStore;
    /** `app.baseUrl`, for the link to the region's Failovers tab. */
    appBaseUrl?: string;
  },
) {
  const { actionsRegistry, auth, appBaseUrl } = options;
  actionsRegistry.register({
    name: 'start-region-failover',
    title: 'Start a region failover, switchover or drill',
    description: `Starts a failover run that moves a region's primary database and traffic to one of its standby regions, exactly as the portal's "Run a failover" template and POST /api/regions/failovers do.

When to use: only when the user explicitly asks to run a drill, a planned switchover or an emergency failover of a named region to a named target. Check first with get-region-takeover-status whether the target can take over.

Modes: "drill" runs the pre-flight checks (both databases bound to their regions, target a healthy standby of the region's replication set, lag within the limit, the old primary can be fenced, traffic switches, no other run in progress, readiness gate) and changes nothing; the action waits for it (up to 30 s) and answers its checks. "switchover" fences the old primary, waits for the target to replay everything, promotes it and switches traffic: no committed transaction is lost. "failover" is for a primary that is lost: it is fenced first (or by a configured fencer when it does not answer), then the target is promoted; data not yet replicated is lost. An emergency failover of a source nobody can fence needs a human's attestation, which this action does not take: use the portal. Both change production and answer as soon as the run starts; follow them with get-failover-run. "force" overrides the pre-flight checks that may be overridden (lag, readiness); use it only when the user asks for it.

The caller needs the permission regions.failover.run on both regions (given to their owners); through this action, anything but a drill also needs the permission policy to grant regions.failover.run to the caller unconditionally. Otherwise it is refused and nothing is recorded. A region or database with a run in progress is refused too.`,
    attributes: { destructive: true, readOnly: false, idempotent: false },
    schema: {
      input: z =>
        z.object({
          region: z
            .string()
            .describe(
              'The region whose primary is moved away: a name like "us-east" or a ref like "region:default/us-east"',
            ),
          target: z
            .string()
            .describe('The standby region to promote, e.g. "us-west"'),
          mode: z
            .enum(FAILOVER_MODES)
            .describe(
              'drill (checks only), switchover (planned, no loss) or failover (emergency)',
            ),
          force: z
            .boolean()
            .optional()
            .describe('Override the pre-flight checks that may be overridden'),
        }),
      output: z =>
        z.object({
          runId: z.string(),
          status: z.enum(RUN_STATUSES),
          summary: z.string().describe('What happened, in one line'),
          preflight: z
            .array(
              z.object({
                id: z.string(),
                title: z.string(),
                passed: z.boolean(),
                detail: z.string(),
                forcible: z.boolean(),
              }),
            )
            .describe('The pre-flight checks, once they ran'),
          error: z.string().optional(),
          follow: z.object({
            api: z.string().describe('GET this path for the run'),
            page: z
              .string()
              .optional()
              .describe("The region's Failovers tab in the portal"),
          }),
        }),
    },
    examples: [
      {
        title: 'Drill a takeover of us-east by us-west',
        input: { region: 'us-east', target: 'us-west', mode: 'drill' },
      },
    ],
    async action({ input, credentials }) {
      const started = await startFailoverRun(options, {
        request: input,
        credentials: async () => {
          if (
            auth.isPrincipal(credentials, 'user') ||
            auth.isPrincipal(credentials, 'service')
          ) {
            return credentials;
          }
          throw new NotAllowedError(
            'a failover must be started by a signed-in user or a service',
          );
        },
        via: 'action',
      });
      const run =
        started.mode === 'drill'
          ? await finishedWithin(options, started, DRILL_WAIT_MS)
          : started;
      const { namespace, name } = parseEntityRef(run.region);
      return {
        output: {
          runId: run.id,
          status: run.status,
          summary: summaryOf(run),
          preflight: run.preflight,
          ...(run.error ? { error: run.error } : {}),
          follow: {
            api: `/api/regions/failovers/${run.id}`,
            ...(appBaseUrl
              ? {
                  page: `${appBaseUrl.replace(
                    /\/+$/,
                    '',
                  )}/catalog/${namespace}/region/${name}/failovers`,
                }
              : {}),
          },
        },
      };
    },
  });
}

/** The run once it ends, or as stored when it takes longer than `waitMs`. */
async function finishedWithin(
  {
    orchestrator,
    failovers,
  }: {
    orchestrator: FailoverStartDeps['orchestrator'];
    failovers: FailoverStore;
  },
  run: FailoverRun,
  waitMs: number,
): Promise<FailoverRun> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const finished = await Promise.race([
    orchestrator.whenFinished(run.id),
    new Promise<undefined>(resolve => {
      timer = setTimeout(() => resolve(undefined), waitMs);
    }),
  ]).finally(() => clearTimeout(timer));
  return finished ?? (await failovers.getRun(run.id)) ?? run;
}

function summaryOf(run: FailoverRun): string {
  const what = `${run.mode} of ${run.region} to ${run.target}`;
  switch (run.status) {
    case 'pending':
    case 'running':
      return run.mode === 'drill'
        ? `${what} is still running; follow it with get-failover-run`
        : `${what} started; it changes production: follow it with get-failover-run`;
    case 'succeeded':
      return `${what} succeeded: every pre-flight check passed${
        run.mode === 'drill' ? ', nothing was changed' : ''
      }`;
    default:
      return `${what} ${run.status}${run.error ? `: ${run.error}` : ''}`;
  }
}
