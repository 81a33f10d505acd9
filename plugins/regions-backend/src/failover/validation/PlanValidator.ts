import { LoggerService } from '@backstage/backend-plugin-api';
import { RegionEntity } from '@meridian/plugin-regions-common';
import { PlanKey, PlanStore } from '../../database/PlanStore';
import { ReplicationState } from '../../database/ReplicationStore';
import { FailoverPlanner } from '../plan/FailoverPlanner';
import { PlanNotifier } from './planNotifications';
import { topologyPlans } from './topologyPlans';

/** How long one plan's pre-flight may take, as for `POST /failovers/preflight`. */
const PREFLIGHT_TIMEOUT_MS = 30_000;

/** What the validator reads and writes. */
export interface PlanValidatorOptions {
  regions: { getSnapshot(): Promise<{ regions: RegionEntity[] }> };
  replication: { getLatestStates(): Promise<Map<string, ReplicationState>> };
  /** The region a standby streams from, by its WAL receiver's upstream. */
  upstreamRegionOf(upstream: string | undefined): string | undefined;
  planner: Pick<FailoverPlanner, 'preflight'>;
  store: PlanStore;
  notifier: PlanNotifier;
  logger: LoggerService;
}

/**
 * Validates every failover plan of the observed topology on a schedule: the
 * pre-flight of an emergency failover (mode `failover`, no force) from each
 * primary to each of its standbys, evaluated as `POST /failovers/preflight`
 * evaluates it — nothing is recorded on the nodes, nothing fenced or
 * promoted. Stores the latest result of each plan and tells the owners of
 * both regions when a plan starts failing or passes again.
 */
export class PlanValidator {
  constructor(private readonly options: PlanValidatorOptions) {}

  async run(signal: AbortSignal = new AbortController().signal) {
    const { regions, replication, upstreamRegionOf, store, logger } =
      this.options;
    const [snapshot, states] = await Promise.all([
      regions.getSnapshot(),
      replication.getLatestStates(),
    ]);
    const plans = topologyPlans(snapshot.regions, states, upstreamRegionOf);
    const outcomes = await Promise.all(
      plans.map(plan => this.validate(plan, signal)),
    );
    if (signal.aborted) {
      return;
    }
    await store.retainValidations(plans);
    const count = (outcome: Outcome) =>
      outcomes.filter(o => o === outcome).length;
    logger.info(
      `Validated ${plans.length} failover plan(s): ${count('ok')} ok, ${count(
        'failing',
      )} failing, ${count('held')} held by a run, ${count(
        'error',
      )} not evaluated`,
    );
  }

  private async validate(plan: PlanKey, signal: AbortSignal): Promise<Outcome> {
    const { planner, store, notifier, logger } = this.options;
    const name = `${plan.region} → ${plan.target}`;
    try {
      const preflight = await planner.preflight(
        { ...plan, mode: 'failover' },
        {
          force: false,
          signal: AbortSignal.any([
            signal,
            AbortSignal.timeout(PREFLIGHT_TIMEOUT_MS),
          ]),
        },
      );
      // Checks cut short by a shutdown or the task's timeout say nothing of the plan.
      if (signal.aborted) {
        return 'error';
      }
      // A run holding the regions is the test of the plan: recording it as
      // failing `exclusive` would only tell the owners about their own run.
      if (preflight.checks.some(c => c.id === 'exclusive' && !c.passed)) {
        return 'held';
      }
      const recorded = await store.recordValidation({
        ...plan,
        ok: preflight.ok,
        checks: preflight.checks,
        validatedAt: new Date(preflight.evaluatedAt),
      });
      // A plan's first validation is news only when it fails.
      if (
        recorded.changed &&
        (recorded.previousOk !== null || !recorded.validation.ok)
      ) {
        logger.info(
          `Failover plan ${name} ${
            recorded.validation.ok ? 'passes again' : 'fails its pre-flight'
          }`,
        );
        await notifier
          .changed(recorded.validation)
          .catch(error =>
            logger.warn(
              `Could not tell the owners that failover plan ${name} changed: ${error}`,
            ),
          );
      }
      return preflight.ok ? 'ok' : 'failing';
    } catch (error) {
      logger.warn(`Could not validate failover plan ${name}: ${error}`);
      return 'error';
    }
  }
}

type Outcome = 'ok' | 'failing' | 'held' | 'error';
