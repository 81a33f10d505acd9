import {
  FailoverCanary,
  FailoverMode,
  RegionEntity,
} from '@meridian/plugin-regions-common';
import {
  DatabaseNode,
  DatabaseNodeState,
  Fencer,
  Promoter,
  TrafficSwitch,
} from '@meridian/plugin-regions-node';
import { LastObservedNode } from '../../database/ReplicationStore';

/** One side of a run: a region, the node config binds to it and what drives it. */
export interface PlannedSide {
  ref: string;
  region: RegionEntity;
  /** The node config binds to the region; absent with `bindingProblem`. */
  node?: DatabaseNode;
  bindingProblem?: string;
  promoter?: Promoter;
}

/**
 * What a run would do, computed once from the catalog and the config: the
 * regions, their bound nodes, promoters, the source's fencers, and the
 * traffic switches. Read by every pre-flight check and every step.
 */
export interface FailoverPlan {
  mode: FailoverMode;
  source: PlannedSide;
  target: PlannedSide;
  /** The fencer that fences the source while it answers. */
  inBandFencer?: Fencer;
  /** The fencers that work when the source does not answer, in order. */
  outOfBandFencers: Fencer[];
  /** Every switch either region names, with the target's address in it. */
  switches: { sw: TrafficSwitch; address: string }[];
  /** Why a switch either region names cannot serve this run. */
  trafficProblems: string[];
  /** The operator's account of how the source was made safe. */
  sourceFenced?: string;
  /** Shift traffic in steps (a failback canary). */
  canary?: FailoverCanary;
  /** Each switch's address for the source, for the canary's split. */
  sourceAddresses: Map<string, string>;
  /** The regions and nodes a run holds while it is unfinished. */
  holds: string[];
}

/** A node as observed in the pre-flight: its state, or why it did not answer. */
export interface ObservedSide {
  state?: DatabaseNodeState;
  error?: string;
  /** True when the node did not answer at all (refused, timed out). */
  unreachable?: boolean;
}

/** What the pre-flight observed, live, of the nodes and the gates. */
export interface FailoverFacts {
  source: ObservedSide;
  target: ObservedSide;
  /** What the source's node last said of itself to the collector. */
  lastSource?: LastObservedNode;
  readiness?: { score: number; ready: boolean; threshold: number };
  readinessError?: string;
  /** The run in progress on the regions or nodes, for a check outside a run. */
  inProgress?: string;
}
