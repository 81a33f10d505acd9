import {
  ActionsRegistryActionOptions,
  ActionsRegistryService,
} from '@backstage/backend-plugin-api/alpha';
import { NotFoundError } from '@backstage/errors';
import {
  FAILOVER_MODES,
  FAILOVER_STEP_IDS,
} from '@meridian/plugin-regions-common';
import { FailoverStore } from '../database/FailoverStore';

/** The zod the actions registry hands to schema functions. */
type Zod = Parameters<
  ActionsRegistryActionOptions<any, any>['schema']['input']
>[0];

/** A run's statuses, as FailoverRunStatus lists them. */
export const RUN_STATUSES = [
  'pending',
  'running',
  'awaiting-approval',
  'succeeded',
  'failed',
  'refused',
  'interrupted',
  'cancelled',
  'expired',
] as const;

/** A pre-flight check as the actions answer it. */
function preflightCheckSchema(z: Zod) {
  return z.object({
    id: z.string(),
    title: z.string(),
    passed: z.boolean(),
    detail: z.string().describe('The fact that decided it'),
    forcible: z.boolean().describe('Whether force may override a failure'),
  });
}

/** Registers `get-failover-run`. */
export function registerGetFailoverRunAction(options: {
  actionsRegistry: ActionsRegistryService;
  failovers: FailoverStore;
}) {
  const { actionsRegistry, failovers } = options;
  actionsRegistry.register({
    name: 'get-failover-run',
    title: 'Get a failover run',
    description: `Answers one failover run of Meridian regions (a drill, switchover or emergency failover) by its id.

When to use: to follow a run started with start-region-failover or from the portal's Failovers tab, or when the user asks how a given run went.

It returns the run's mode, region (the old primary) and target (the promoted standby), its status (pending, running, awaiting-approval, succeeded, failed, refused, interrupted, cancelled, expired), who started it and when, its pre-flight checks with their verdicts, each step (preflight, fence, promote, switch-traffic, verify, record) with its status, start and end times and log, the measured RTO in milliseconds and the data lost in WAL bytes, and the error that stopped it, which says what was and was not changed.`,
    attributes: { destructive: false, readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          runId: z.string().min(1).describe('The id of the failover run'),
        }),
      output: z =>
        z.object({
          id: z.string(),
          mode: z
            .enum([...FAILOVER_MODES, 'detected'])
            .describe(
              'detected: a promotion Meridian observed but did not make',
            ),
          region: z.string().describe('Entity ref of the old primary region'),
          target: z.string().describe('Entity ref of the promoted region'),
          dryRun: z.boolean(),
          force: z.boolean(),
          status: z.enum(RUN_STATUSES),
          createdBy: z.string(),
          createdAt: z.string(),
          finishedAt: z.string().nullable(),
          preflight: z.array(preflightCheckSchema(z)),
          steps: z.array(
            z.object({
              id: z.enum([
                ...FAILOVER_STEP_IDS,
                'approval',
                're-fence',
                'detected',
              ]),
              title: z.string(),
              status: z.enum([
                'pending',
                'running',
                'succeeded',
                'failed',
                'skipped',
              ]),
              startedAt: z.string().nullable(),
              finishedAt: z.string().nullable(),
              log: z.array(z.object({ t: z.string(), message: z.string() })),
              error: z.string().optional(),
            }),
          ),
          rtoMs: z
            .number()
            .nullable()
            .describe('Write unavailability measured by the run'),
          dataLossBytes: z
            .number()
            .nullable()
            .describe('WAL bytes the promoted node had not replayed'),
          error: z.string().optional(),
          sourceFenced: z
            .string()
            .optional()
            .describe(
              "The operator's account of how the old primary was made safe",
            ),
          fence: z
            .object({ method: z.string(), detail: z.string(), at: z.string() })
            .optional()
            .describe('How the old primary was fenced'),
          resumes: z.number().describe('How often the run was resumed'),
          approvalsRequired: z
            .number()
            .describe('How many approvals of other owners the run needs'),
          approvals: z
            .array(z.object({ by: z.string(), at: z.string() }))
            .describe('Who approved it, and when'),
          approvalDeadline: z
            .string()
            .optional()
            .describe('When a run awaiting approval expires'),
          cancelledBy: z.string().optional(),
          detection: z
            .object({
              promotedAt: z.string(),
              promotedAtFrom: z.enum(['node', 'samples']),
              timeline: z.number().nullable(),
              promotedBy: z.string().nullable(),
              evidence: z.array(z.string()),
            })
            .optional()
            .describe(
              'For a detected run: what Meridian could tell of the promotion',
            ),
          canary: z
            .object({
              percents: z.array(z.number()),
              pauseSeconds: z.number().optional(),
            })
            .optional(),
        }),
    },
    examples: [
      {
        title: 'How did a run go?',
        input: { runId: '5f0c7d3e-2a41-4b8e-9a57-0d3c1f6b2e90' },
      },
    ],
    async action({ input }) {
      const run = await failovers.getRun(input.runId);
      if (!run) {
        throw new NotFoundError(`No failover run ${input.runId}`);
      }
      return { output: run };
    },
  });
}
