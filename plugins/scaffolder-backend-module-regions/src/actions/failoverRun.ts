import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  FAILOVER_MODES,
  FailoverRequest,
  FailoverRun,
  FailoverRunStatus,
  FailoverStep,
  REGION_KIND,
  parseRegionRef,
} from '@meridian/plugin-regions-common';
import { setTimeout as sleep } from 'node:timers/promises';
import { examples } from './failoverRun.examples';
import { RegionsBackendClient } from './regionsBackend';

/** Statuses after which a run changes no more. */
const FINISHED_STATUSES: ReadonlySet<FailoverRunStatus> = new Set([
  'succeeded',
  'failed',
  'refused',
  'interrupted',
]);

/** @public */
export interface FailoverRunActionOptions {
  discovery: DiscoveryService;
  auth: AuthService;
  /** How often the run is polled while it goes on; 500 ms by default. */
  pollIntervalMs?: number;
}

/** Canonical `region:namespace/name` of an input field, or an error naming it. */
function regionRefOf(field: string, value: string): string {
  let ref: CompoundEntityRef;
  try {
    ref = parseRegionRef(value.trim());
  } catch {
    throw new InputError(
      `${field} "${value}" is not an entity ref; expected a Region such as region:default/us-east`,
    );
  }
  if (
    ref.kind.toLocaleLowerCase('en-US') !==
    REGION_KIND.toLocaleLowerCase('en-US')
  ) {
    throw new InputError(
      `${field} "${value}" must refer to a Region, not a ${ref.kind}`,
    );
  }
  return stringifyEntityRef(ref);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function stepDuration(step: FailoverStep): string | undefined {
  if (!step.startedAt || !step.finishedAt) return undefined;
  return seconds(Date.parse(step.finishedAt) - Date.parse(step.startedAt));
}

/**
 * Writes into the task log what changed in the run's steps since the last poll:
 * a step's start, its new log lines, its end with its duration.
 */
class StepStreamer {
  private readonly seen = new Map<
    string,
    { started: boolean; lines: number; ended: boolean }
  >();

  constructor(private readonly logger: LoggerService) {}

  report(run: FailoverRun) {
    for (const step of run.steps) {
      const seen = this.seen.get(step.id) ?? {
        started: false,
        lines: 0,
        ended: false,
      };
      this.seen.set(step.id, seen);
      if (!seen.started && (step.startedAt || step.status !== 'pending')) {
        seen.started = true;
        if (step.status !== 'skipped') {
          this.logger.info(`▶ ${step.title}`);
        }
      }
      for (const line of step.log.slice(seen.lines)) {
        this.logger.info(`  ${step.title}: ${line.message}`);
      }
      seen.lines = Math.max(seen.lines, step.log.length);
      if (!seen.ended) {
        const took = stepDuration(step);
        if (step.status === 'succeeded') {
          seen.ended = true;
          this.logger.info(
            `✔ ${step.title} succeeded${took ? ` in ${took}` : ''}`,
          );
        } else if (step.status === 'failed') {
          seen.ended = true;
          this.logger.error(
            `✖ ${step.title} failed${took ? ` after ${took}` : ''}: ${
              step.error ?? run.error ?? 'no reason given'
            }`,
          );
        } else if (step.status === 'skipped') {
          seen.ended = true;
          this.logger.info(`– ${step.title}: skipped`);
        }
      }
    }
  }
}

/**
 * Why a run did not succeed. A refused run's error already names each check
 * that refused it; after any other end, the failed checks (overridden by
 * force) are named too.
 */
function runFailure(run: FailoverRun): Error {
  const reason = run.error?.replace(/\.$/, '');
  const parts = [
    `Failover run ${run.id} (${run.mode} of ${run.region} to ${run.target}) ${
      reason?.startsWith(run.status)
        ? reason
        : `${run.status}${reason ? `: ${reason}` : ''}`
    }`,
  ];
  const failedChecks = run.preflight.filter(check => !check.passed);
  if (run.status !== 'refused' && failedChecks.length > 0) {
    parts.push(
      `. Failed pre-flight checks: ${failedChecks
        .map(
          check =>
            `${check.title} — ${check.detail}${
              check.forcible ? ' (force may override)' : ''
            }`,
        )
        .join('; ')}`,
    );
  }
  return new Error(parts.join(''));
}

/**
 * `meridian:failover:run`: starts a failover run in the regions backend on
 * behalf of the user who runs the template, streams its steps into the task
 * log until it ends, and outputs its id, RTO and data loss.
 * @public
 */
export function createFailoverRunAction(options: FailoverRunActionOptions) {
  const { discovery, auth } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 500;

  return createTemplateAction({
    id: 'meridian:failover:run',
    description:
      'Runs a failover of a region to its standby through the regions backend (drill, planned switchover or emergency failover) and streams its steps into the task log. In a dry run, only the pre-flight checks run.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        region: z =>
          z.string({
            description:
              'Entity ref of the region whose primary is failed over, e.g. region:default/us-east',
          }),
        target: z =>
          z.string({
            description:
              'Entity ref of the standby region to promote (a replica of region), e.g. region:default/us-west',
          }),
        mode: z =>
          z.enum(FAILOVER_MODES, {
            description:
              'drill: pre-flight checks only, changes nothing; switchover: planned, fences the primary and loses nothing; failover: emergency, the primary is lost',
          }),
        force: z =>
          z
            .boolean({
              description:
                'Override the pre-flight checks that may safely be overridden (e.g. the readiness gate)',
            })
            .optional(),
        sourceFenced: z =>
          z
            .string({
              description:
                'Mode failover only: what the operator did to make sure the old primary is down or isolated, in words; needed when it does not answer and no fencer can fence it',
            })
            .optional(),
      },
      output: {
        runId: z => z.string({ description: 'Id of the failover run' }),
        status: z =>
          z.string({
            description:
              'How the run ended (succeeded for a run the action reports as done)',
          }),
        rtoMs: z =>
          z
            .number({
              description:
                'Measured write unavailability in milliseconds; null for a drill',
            })
            .nullable(),
        dataLossBytes: z =>
          z
            .number({
              description:
                'WAL bytes lost by the promotion (0 for a switchover); null for a drill',
            })
            .nullable(),
      },
    },
    async handler(ctx) {
      const region = regionRefOf('region', ctx.input.region);
      const target = regionRefOf('target', ctx.input.target);
      const { mode } = ctx.input;
      if (!FAILOVER_MODES.includes(mode)) {
        throw new InputError(
          `mode "${mode}" is not one of ${FAILOVER_MODES.join(', ')}`,
        );
      }
      if (region === target) {
        throw new InputError(
          `target "${ctx.input.target}" is the region itself; choose a standby of ${region}`,
        );
      }
      const request: FailoverRequest = {
        region,
        target,
        mode,
        ...(ctx.input.force ? { force: true } : {}),
        ...(ctx.isDryRun ? { dryRun: true } : {}),
        ...(mode === 'failover' && ctx.input.sourceFenced?.trim()
          ? { sourceFenced: ctx.input.sourceFenced }
          : {}),
      };

      // The backend authorizes regions.failover.run against the user who runs
      // the template, so its tokens are issued on their behalf.
      const backend = new RegionsBackendClient(
        { discovery, auth },
        await ctx.getInitiatorCredentials(),
      );

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: starting ${mode} of ${region} to ${target} with dryRun: true — only the pre-flight checks run, nothing is fenced, promoted or switched.`,
        );
      } else {
        ctx.logger.info(
          `Starting ${mode} of ${region} to ${target}${
            request.force
              ? ' (force: overridable pre-flight checks are overridden)'
              : ''
          }`,
        );
      }

      // A recovered task finds the run it already started instead of starting a second one.
      const started = await ctx.checkpoint({
        key: `failover-start-${region}-${target}-${mode}`,
        fn: async () => {
          const body = await backend.startFailover(
            request,
            `The regions backend did not start the ${mode} of ${region} to ${target}`,
            ctx.signal,
          );
          return { id: body.id, status: body.status };
        },
      });
      ctx.output('runId', started.id);
      ctx.logger.info(`Failover run ${started.id} is ${started.status}`);

      const streamer = new StepStreamer(ctx.logger);
      let run: FailoverRun;
      for (;;) {
        run = await backend.getFailover(started.id, ctx.signal);
        streamer.report(run);
        if (FINISHED_STATUSES.has(run.status)) break;
        await sleep(pollIntervalMs, undefined, { signal: ctx.signal });
      }

      for (const check of run.preflight) {
        ctx.logger.info(
          `  pre-flight ${check.passed ? 'passed' : 'FAILED'}: ${
            check.title
          } — ${check.detail}`,
        );
      }
      if (run.status !== 'succeeded') {
        throw runFailure(run);
      }

      ctx.output('status', run.status);
      ctx.output('rtoMs', run.rtoMs);
      ctx.output('dataLossBytes', run.dataLossBytes);
      if (run.dryRun || run.mode === 'drill') {
        ctx.logger.info(
          `Pre-flight passed: a ${ctx.input.mode} of ${region} to ${target} could run now. Nothing was changed.`,
        );
      } else {
        ctx.logger.info(
          `${target} now takes the writes that went to ${region}: RTO ${
            run.rtoMs === null ? 'not measured' : seconds(run.rtoMs)
          }, data loss ${run.dataLossBytes ?? 'unknown'} bytes`,
        );
      }
    },
  });
}
