import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  FailoverCanary,
  FailoverMode,
  FailoverPreflightCheck,
  FailoverPreflightResponse,
  RegionEntity,
} from '@meridian/plugin-regions-common';
import {
  DatabaseNode,
  FailoverStepContext,
  Promoter,
} from '@meridian/plugin-regions-node';
import { bindDatabase } from '../../bindings/databaseNodes';
import { databaseHold } from '../../database/FailoverStore';
import { LastObservedNode } from '../../database/ReplicationStore';
import { isUnreachable } from '../../postgres/connection';
import { outsideRun } from '../engine/outsideRun';
import { FencerRegistry } from '../fencers';
import { blockingChecks, runChecks } from '../preflight/checks';
import { TrafficSwitchRegistry } from '../TrafficSwitchRegistry';
import {
  FailoverFacts,
  FailoverPlan,
  ObservedSide,
  PlannedSide,
} from './types';

/** How long the pre-flight waits for a node to answer before it counts as not answering. */
const INSPECT_TIMEOUT_MS = 10_000;

/** The readiness capability, asked for the target's score when present. */
export interface FailoverReadinessGate {
  getScore(
    regionRef: string,
  ): Promise<{ score: number; ready: boolean; threshold: number } | undefined>;
}

/** Where the planner finds regions: the catalog snapshot of the plugin. */
export interface FailoverRegionLookup {
  getRegion(ref: string): Promise<{ region: RegionEntity } | undefined>;
}

/** What the collector last read of each region's node. */
export interface LastObservedNodes {
  getLatestState(
    regionRef: string,
  ): Promise<{ node?: LastObservedNode } | undefined>;
}

/** Which run, if any, holds some of these regions or nodes. */
export interface RunHolds {
  holderOf(holds: string[]): Promise<string | undefined>;
}

/** What a planned run is asked to do. */
export interface FailoverIntent {
  /** Canonical ref of the region whose primary is failed over. */
  region: string;
  /** Canonical ref of the standby region to promote. */
  target: string;
  mode: FailoverMode;
  sourceFenced?: string;
  canary?: FailoverCanary;
}

export interface FailoverPlannerOptions {
  regions: FailoverRegionLookup;
  /** Every node of `regions.databases`, by name. */
  nodes: Map<string, DatabaseNode>;
  /** Asked in order; the first that supports a node drives it. */
  promoters: Promoter[];
  fencers: FencerRegistry;
  traffic: TrafficSwitchRegistry;
  maxLagBytes: number;
  observed?: LastObservedNodes;
  readiness?: FailoverReadinessGate;
  holds?: RunHolds;
}

/**
 * Computes what a failover would do and whether it may: the plan (from the
 * catalog and the config, whose bindings are the trust root), the facts
 * (observed live on both nodes) and the pre-flight checks over them. Runs,
 * drills, the scheduled plan validation and the takeover status all ask it,
 * so each rule is written once.
 */
export class FailoverPlanner {
  constructor(private readonly options: FailoverPlannerOptions) {}

  get maxLagBytes(): number {
    return this.options.maxLagBytes;
  }

  /** The plan of a run. Throws NotFoundError for a region or target the catalog does not have. */
  async plan(intent: FailoverIntent): Promise<FailoverPlan> {
    const source = await this.side(intent.region, 'region');
    const target = await this.side(intent.target, 'target');
    const { fencers, traffic } = this.options;
    const { switches, problems } = traffic.bindRun(
      source.region,
      target.region,
    );
    const nodes = [source.node, target.node].filter(
      (node): node is DatabaseNode => Boolean(node),
    );
    return {
      mode: intent.mode,
      source,
      target,
      inBandFencer: source.node && fencers.inBand(source.node),
      outOfBandFencers: source.node ? fencers.outOfBand(source.node) : [],
      switches,
      trafficProblems: problems,
      ...(intent.sourceFenced ? { sourceFenced: intent.sourceFenced } : {}),
      ...(intent.canary ? { canary: intent.canary } : {}),
      sourceAddresses: new Map(
        switches.flatMap(({ sw }) => {
          const address = sw.addressOf(source.ref);
          return address ? [[sw.name, address] as const] : [];
        }),
      ),
      holds: [
        ...new Set([
          source.ref,
          target.ref,
          ...nodes.map(node => databaseHold(node.name)),
        ]),
      ],
    };
  }

  /** Observes both nodes (in parallel, bounded), the source's last sample and the target's readiness. */
  async observe(
    plan: FailoverPlan,
    ctx: FailoverStepContext,
    options: { lookForHolder?: boolean } = {},
  ): Promise<FailoverFacts> {
    const { observed, readiness, holds } = this.options;
    const [source, target, last, score, holder] = await Promise.all([
      this.inspect(plan.source, ctx),
      this.inspect(plan.target, ctx),
      observed?.getLatestState(plan.source.ref).catch(() => undefined),
      readiness?.getScore(plan.target.ref).then(
        value => ({ value }),
        error => ({ error: `readiness could not be read: ${error}` }),
      ),
      options.lookForHolder ? holds?.holderOf(plan.holds) : undefined,
    ]);
    return {
      source,
      target,
      ...(last?.node ? { lastSource: last.node } : {}),
      ...(score && 'value' in score && score.value
        ? { readiness: score.value }
        : {}),
      ...(score && 'error' in score ? { readinessError: score.error } : {}),
      ...(holder ? { inProgress: holder } : {}),
    };
  }

  /** The pre-flight checks of a plan over its facts. */
  checks(
    plan: FailoverPlan,
    facts: FailoverFacts,
    holdsRun: boolean,
  ): FailoverPreflightCheck[] {
    return runChecks(plan, facts, {
      maxLagBytes: this.options.maxLagBytes,
      holdsRun,
    });
  }

  /**
   * The pre-flight without a run and without side effects: for the takeover
   * status, and {@link FailoverPlanner.preflight}.
   */
  async evaluate(
    intent: FailoverIntent,
    ctx: FailoverStepContext,
  ): Promise<{
    plan: FailoverPlan;
    facts: FailoverFacts;
    checks: FailoverPreflightCheck[];
  }> {
    const plan = await this.plan(intent);
    const facts = await this.observe(plan, ctx, { lookForHolder: true });
    return { plan, facts, checks: this.checks(plan, facts, false) };
  }

  /**
   * The pre-flight as `POST /failovers/preflight` answers it and the
   * scheduled plan validation records it: evaluated now, nothing recorded or
   * changed. `ok` when no check would stop the run, forcible checks counted
   * as passed only with `force`.
   */
  async preflight(
    intent: FailoverIntent,
    options: { force: boolean; signal: AbortSignal },
  ): Promise<Omit<FailoverPreflightResponse, 'approvalsRequired'>> {
    const { checks } = await this.evaluate(
      intent,
      outsideRun({ signal: options.signal }),
    );
    return {
      ok: blockingChecks(checks, options.force).length === 0,
      checks,
      evaluatedAt: new Date().toISOString(),
    };
  }

  private async side(ref: string, field: string): Promise<PlannedSide> {
    const found = await this.options.regions.getRegion(ref);
    if (!found) {
      throw new NotFoundError(`${field} ${ref} is not a region in the catalog`);
    }
    const { region } = found;
    const binding = bindDatabase(region, this.options.nodes);
    const node = binding.node;
    return {
      ref: stringifyEntityRef(region),
      region,
      ...(node
        ? {
            node,
            promoter: this.options.promoters.find(p => p.supports(node)),
          }
        : { bindingProblem: binding.problem }),
    };
  }

  private async inspect(
    side: PlannedSide,
    ctx: FailoverStepContext,
  ): Promise<ObservedSide> {
    if (!side.node || !side.promoter) {
      return { error: side.bindingProblem ?? 'no promoter drives it' };
    }
    const signal = AbortSignal.any([
      ctx.signal,
      AbortSignal.timeout(INSPECT_TIMEOUT_MS),
    ]);
    try {
      return {
        state: await side.promoter.inspect(side.node, { ...ctx, signal }),
      };
    } catch (error) {
      const timedOut = signal.aborted && !ctx.signal.aborted;
      return {
        error: timedOut
          ? `${side.node.name} did not answer within ${
              INSPECT_TIMEOUT_MS / 1000
            } s`
          : (error as Error).message,
        unreachable: timedOut || isUnreachable(error),
      };
    }
  }
}
