import { LoggerService } from '@backstage/backend-plugin-api';
import {
  FailoverDetection,
  FailoverRun,
  resolveRegionRef,
} from '@meridian/plugin-regions-common';
import { DatabaseNode } from '@meridian/plugin-regions-node';
import { FailoverStore } from '../../database/FailoverStore';
import {
  LastObservedNode,
  ReplicationSample,
  ReplicationState,
} from '../../database/ReplicationStore';
import { bytesBehind, formatBytes } from '../lsn';
import { FailoverRegionLookup } from '../plan/FailoverPlanner';
import { PromotionRecord } from './promotionRecord';

/** How long before a promotion a Meridian run that targets the node explains it. */
const RUN_MARGIN_MS = 60_000;
/** How long after a detected promotion its promoter is still asked for. */
const PROMOTER_LOOKBACK_MS = 10 * 60_000;

/**
 * Notices, after every replication tick, a node that Meridian did not
 * promote turning primary: a standby on timeline N in the previous sample is
 * a primary now (or a primary is on a newer timeline). Records it as a run of
 * mode `detected` on both regions within two collector ticks of the
 * promotion: when it happened (the node's timeline history, else between the
 * two samples), how long writes were unavailable as far as the samples show,
 * what the old primary had that the new one never received, and who promoted
 * it when something says so (Patroni's history).
 */
export class PromotionDetector {
  constructor(
    private readonly deps: {
      failovers: FailoverStore;
      regions: FailoverRegionLookup;
      nodes: Map<string, DatabaseNode>;
      /** Reads what the node itself records of its promotion. */
      readPromotion: (
        node: DatabaseNode,
        timeline: number,
      ) => Promise<PromotionRecord | undefined>;
      /** Told of every detected run. */
      onDetected?: (run: FailoverRun) => Promise<void>;
      logger: LoggerService;
    },
  ) {}

  /** Checks one tick's samples against the states they replace. Never throws. */
  async check(
    samples: ReplicationSample[],
    previous: Map<string, ReplicationState>,
  ) {
    for (const sample of samples) {
      try {
        await this.checkOne(sample, previous);
      } catch (error) {
        this.deps.logger.error(
          `Could not record the promotion of ${sample.regionRef}: ${error}`,
        );
      }
    }
    await this.learnPromoters().catch(error =>
      this.deps.logger.warn(
        `Could not read who made recent promotions: ${error}`,
      ),
    );
  }

  /**
   * Asks again, for recent detected runs that do not say what promoted them,
   * what the node's manager records now (Patroni's history is written up to
   * a `loop_wait` after the promotion).
   */
  private async learnPromoters() {
    const since = new Date(Date.now() - PROMOTER_LOOKBACK_MS);
    const unexplained =
      await this.deps.failovers.listDetectedRunsWithoutPromoter(since);
    for (const { run, targetNode } of unexplained) {
      const node = targetNode ? this.deps.nodes.get(targetNode) : undefined;
      const timeline = run.detection?.timeline;
      if (!node?.patroni || timeline === null || timeline === undefined) {
        continue;
      }
      const record = await this.deps
        .readPromotion(node, timeline)
        .catch(() => undefined);
      if (record?.promotedBy) {
        await this.deps.failovers.reviseDetection(run.id, {
          promotedBy: record.promotedBy,
          evidence: record.evidence,
          ...(record.promotedAt ? { promotedAt: record.promotedAt } : {}),
        });
      }
    }
  }

  private async checkOne(
    sample: ReplicationSample,
    previous: Map<string, ReplicationState>,
  ) {
    const now = sample.node;
    const before = previous.get(sample.regionRef)?.node;
    if (!now || now.inRecovery || !before || !sample.database) {
      return;
    }
    const promoted =
      before.inRecovery ||
      (now.timeline !== null &&
        before.timeline !== null &&
        now.timeline > before.timeline);
    if (!promoted || (await this.explainedByMeridian(sample, before))) {
      return;
    }
    const { failovers } = this.deps;
    if (await failovers.hasDetectedRun(sample.regionRef, now.timeline)) {
      return;
    }
    const oldPrimary = await this.oldPrimaryOf(sample, previous);
    const node = this.deps.nodes.get(sample.database);
    const record =
      node && now.timeline !== null
        ? await this.deps
            .readPromotion(node, now.timeline)
            .catch(() => undefined)
        : undefined;

    const evidence = [
      `${sample.database} was a ${
        before.inRecovery ? 'standby' : 'primary'
      } on timeline ${before.timeline ?? '?'} at ${before.sampledAt}`,
      `${sample.database} is a primary on timeline ${
        now.timeline ?? '?'
      } at ${sample.sampledAt.toISOString()}, and no Meridian run promoted it`,
    ];
    evidence.push(...(record?.evidence ?? []));
    const lastWritable = oldPrimary?.node.acceptsWrites
      ? oldPrimary.node
      : undefined;
    if (oldPrimary) {
      evidence.push(
        `${oldPrimary.database ?? oldPrimary.ref} last ${
          oldPrimary.node.acceptsWrites ? 'took writes' : 'answered'
        } at ${oldPrimary.node.sampledAt}${
          oldPrimary.node.lsn ? `, up to ${oldPrimary.node.lsn}` : ''
        }`,
      );
    }
    const rtoMs = lastWritable
      ? Math.max(
          0,
          sample.sampledAt.getTime() - Date.parse(lastWritable.sampledAt),
        )
      : null;
    const dataLossBytes =
      record?.switchLsn && oldPrimary?.node.lsn
        ? bytesBehind(oldPrimary.node.lsn, record.switchLsn)
        : null;
    if (dataLossBytes !== null) {
      evidence.push(
        `the new timeline forks at ${record!.switchLsn}: ${formatBytes(
          dataLossBytes,
        )} the old primary had are not on it`,
      );
    }
    const detection: FailoverDetection = {
      promotedAt:
        record?.promotedAt ??
        new Date(
          (Date.parse(before.sampledAt) + sample.sampledAt.getTime()) / 2,
        ).toISOString(),
      promotedAtFrom: record?.promotedAt ? 'node' : 'samples',
      timeline: now.timeline,
      promotedBy: record?.promotedBy ?? null,
      evidence,
    };
    const run = await failovers.recordDetectedRun({
      region: oldPrimary?.ref ?? (await this.declaredSource(sample)),
      target: sample.regionRef,
      detection,
      promotedBy: record?.promotedBy ?? 'unknown',
      rtoMs,
      dataLossBytes,
      progress: {
        ...(oldPrimary?.database ? { sourceNode: oldPrimary.database } : {}),
        targetNode: sample.database,
      },
    });
    this.deps.logger.warn(
      `Detected a promotion Meridian did not make: ${run.region} → ${run.target} (run ${run.id})`,
    );
    await this.deps.onDetected?.(run);
  }

  /** A run of Meridian's targeting the region since before the previous sample made the promotion. */
  private async explainedByMeridian(
    sample: ReplicationSample,
    before: LastObservedNode,
  ): Promise<boolean> {
    const since = Date.parse(before.sampledAt) - RUN_MARGIN_MS;
    const runs = await this.deps.failovers.listRuns(
      sample.regionRef,
      new Date(since),
    );
    return runs.some(
      run =>
        run.target === sample.regionRef &&
        (run.mode === 'switchover' || run.mode === 'failover') &&
        !run.dryRun,
    );
  }

  /** The region whose node was the primary of the same replication set in the previous tick. */
  private async oldPrimaryOf(
    sample: ReplicationSample,
    previous: Map<string, ReplicationState>,
  ): Promise<
    { ref: string; database?: string; node: LastObservedNode } | undefined
  > {
    for (const [ref, state] of previous) {
      if (
        ref !== sample.regionRef &&
        state.node &&
        !state.node.inRecovery &&
        state.node.systemIdentifier === sample.node!.systemIdentifier
      ) {
        return { ref, database: state.database, node: state.node };
      }
    }
    return undefined;
  }

  /** The region the promoted one declares as its source, else itself. */
  private async declaredSource(sample: ReplicationSample): Promise<string> {
    const found = await this.deps.regions.getRegion(sample.regionRef);
    const source = found
      ? resolveRegionRef(found.region.spec.replication?.source, found.region)
      : undefined;
    return source ?? sample.regionRef;
  }
}
