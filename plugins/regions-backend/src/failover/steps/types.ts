import { FailoverFence } from '@meridian/plugin-regions-common';
import { EngineProgress, RunExecution } from '../engine/RunExecution';
import { FencerRegistry } from '../fencers';
import { FailoverFacts, FailoverPlan } from '../plan/types';

/**
 * What a run's steps have done so far, persisted with the run so that a
 * resumed run (another instance, after a restart) knows it.
 */
export interface FailoverProgress extends EngineProgress {
  /** The source's last WAL position once fenced over its own connection. */
  fencedLsn?: string;
  /** How the source was fenced, once it was. */
  fence?: FailoverFence;
  /** The node names at the time of the run, for the split-brain guard. */
  sourceNode?: string;
  targetNode?: string;
  /** Whether the source answered in the pre-flight. */
  sourceAnswered?: boolean;
  /** The target's timeline before the run: a newer one means it was promoted. */
  targetTimelineBefore?: number;
  /** The source's last sampled position, for an emergency failover's loss estimate. */
  lastSourceLsn?: string;
  /** Where the promoted node's timeline forks: what it had replayed. */
  replayedLsn?: string;
  /** When write unavailability began: the fence (switchover) or the run's start. */
  rtoStartedAt?: string;
  dataLossBytes?: number | null;
  /** Write unavailability, once verified. */
  rtoMs?: number;
}

/** What every step of a run works with. */
export interface StepEnv {
  execution: RunExecution<FailoverProgress>;
  plan: FailoverPlan;
  /** The pre-flight's facts; absent for a resumed run past its pre-flight. */
  facts?: FailoverFacts;
  fencers: FencerRegistry;
}
