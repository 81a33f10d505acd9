import { LoggerService } from '@backstage/backend-plugin-api';
import { RegionConflict } from '@meridian/plugin-regions-common';
import { DatabaseNode, Promoter } from '@meridian/plugin-regions-node';
import {
  FailoverStore,
  FAILOVER_STEP_TITLES,
} from '../../database/FailoverStore';
import { ReplicationSample } from '../../database/ReplicationStore';
import { outsideRun } from '../engine/outsideRun';
import { FencerRegistry } from '../fencers';
import { refence } from '../steps/refence';
import { FailoverProgress } from '../steps/types';

/** How far back the guard looks for the run that fenced a node. */
const RUN_LOOKBACK_MS = 90 * 24 * 3600_000;

/** The conflict type of two writable primaries of one replication set. */
export const SPLIT_BRAIN = 'split-brain';

/** Where the guard writes the conflicts it finds. */
export interface ObservedConflictSink {
  replaceObservedConflicts(
    type: string,
    conflicts: RegionConflict[],
    observedAt: Date,
  ): Promise<void>;
}

/**
 * Looks, after every replication tick, for two nodes of one replication set
 * (same `system_identifier`) that both run as primaries and are not fenced:
 * two writable primaries. Each such set is a critical conflict on every
 * region involved. A node that a Meridian run promoted away from — the
 * fenced side of its newest promotion, when that was a Meridian switchover or
 * failover, not one Meridian only detected — is fenced again at once, and the run records it as a late `re-fence` step with the bytes that
 * node wrote past the fork added to the run's data loss.
 */
export class SplitBrainGuard {
  constructor(
    private readonly options: {
      conflicts: ObservedConflictSink;
      failovers: FailoverStore;
      nodes: Map<string, DatabaseNode>;
      fencers: FencerRegistry;
      promoters: Promoter[];
      logger: LoggerService;
    },
  ) {}

  /** Checks one tick's samples. Never throws: a failure is logged and retried next tick. */
  async check(samples: ReplicationSample[], signal?: AbortSignal) {
    const { conflicts, logger } = this.options;
    try {
      const found = await this.findSplitBrains(samples, signal);
      await conflicts.replaceObservedConflicts(SPLIT_BRAIN, found, new Date());
    } catch (error) {
      logger.error(`The split-brain guard failed this tick: ${error}`);
    }
  }

  private async findSplitBrains(
    samples: ReplicationSample[],
    signal?: AbortSignal,
  ): Promise<RegionConflict[]> {
    // Unfenced primaries by replication set, each node once with its regions.
    const sets = new Map<string, Map<string, string[]>>();
    for (const sample of samples) {
      const { node, database } = sample;
      if (!node || !database || !node.acceptsWrites || node.fenced) {
        continue;
      }
      const set = sets.get(node.systemIdentifier) ?? new Map();
      set.set(database, [...(set.get(database) ?? []), sample.regionRef]);
      sets.set(node.systemIdentifier, set);
    }
    const found: RegionConflict[] = [];
    for (const [systemIdentifier, primaries] of sets) {
      if (primaries.size < 2) {
        continue;
      }
      const names = [...primaries.keys()];
      const refenced = await this.refenceOldPrimaries(names, signal);
      found.push({
        type: SPLIT_BRAIN,
        severity: 'critical',
        field: 'metadata.annotations.meridian.dev/database',
        regions: [...new Set([...primaries.values()].flat())].sort(),
        message: `two writable primaries of one replication set (system identifier ${systemIdentifier}): ${names.join(
          ' and ',
        )} both take writes${
          refenced.length
            ? `; ${refenced.join(
                ', ',
              )} fenced again by the run that promoted away from it`
            : '; no Meridian run fenced either of them: fence the old one by hand (failover runbook)'
        }`,
      });
    }
    return found;
  }

  /**
   * Fences again each of `names` that is the old primary of its newest
   * Meridian promotion; answers the names it fenced.
   */
  private async refenceOldPrimaries(
    names: string[],
    signal?: AbortSignal,
  ): Promise<string[]> {
    const { failovers, logger } = this.options;
    const runs = await failovers.listSucceededPromotions(
      new Date(Date.now() - RUN_LOOKBACK_MS),
    );
    const refenced: string[] = [];
    for (const name of names) {
      for (const run of runs) {
        const progress = await failovers.getProgress<FailoverProgress>(run.id);
        if (progress?.targetNode === name) {
          break; // promoted to primary by its newest run: the legitimate one
        }
        if (progress?.sourceNode !== name) {
          continue;
        }
        if (run.mode === 'detected') {
          break; // Meridian did not fence it: it only shows the conflict
        }
        try {
          await this.refenceFor(run.id, name, progress, signal);
          refenced.push(name);
        } catch (error) {
          logger.error(
            `Could not fence ${name} again for failover run ${run.id}: ${error}`,
          );
        }
        break;
      }
    }
    return refenced;
  }

  private async refenceFor(
    runId: string,
    name: string,
    progress: FailoverProgress,
    signal?: AbortSignal,
  ) {
    const { nodes, fencers, promoters, failovers, logger } = this.options;
    const node = nodes.get(name);
    const fencer = node && fencers.inBand(node);
    if (!node || !fencer) {
      throw new Error(`no in-band fencer can fence ${name}`);
    }
    const started = new Date().toISOString();
    const log: { t: string; message: string }[] = [];
    const ctx = outsideRun({
      signal,
      log: message => log.push({ t: new Date().toISOString(), message }),
    });
    ctx.log(
      `${name}, the old primary of this run, takes writes again beside the new primary: fencing it again`,
    );
    let result: { lostBytes?: number; detail: string } | undefined;
    let error: string | undefined;
    try {
      result = await refence(
        {
          node,
          fencer,
          promoter: promoters.find(p => p.supports(node)),
          forkLsn: progress.replayedLsn,
        },
        ctx,
      );
      ctx.log(result.detail);
    } catch (caught) {
      error = (caught as Error).message;
    }
    await failovers.appendStep(
      runId,
      {
        id: 're-fence',
        title: FAILOVER_STEP_TITLES['re-fence'],
        status: error ? 'failed' : 'succeeded',
        startedAt: started,
        finishedAt: new Date().toISOString(),
        log,
        ...(error ? { error } : {}),
      },
      result?.lostBytes,
    );
    if (error) {
      throw new Error(error);
    }
    logger.warn(
      `Fenced ${name} again for failover run ${runId}: ${result!.detail}`,
    );
  }
}
