import {
  FailoverDetection,
  FailoverRun,
  FailoverStep,
} from '@meridian/plugin-regions-common';
import { randomUUID } from 'node:crypto';
import { getRun } from './runs';
import {
  parseProgress,
  pendingStep,
  RUNS,
  RunRow,
  RunTable,
  toRun,
} from './runTable';

/** A promotion Meridian observed but did not make. */
export interface DetectedPromotion {
  region: string;
  target: string;
  detection: FailoverDetection;
  promotedBy: string;
  rtoMs: number | null;
  dataLossBytes: number | null;
  progress: { sourceNode?: string; targetNode: string };
}

export async function recordDetectedRun(
  table: RunTable,
  detected: DetectedPromotion,
): Promise<FailoverRun> {
  const id = randomUUID();
  const at = new Date(detected.detection.promotedAt);
  const step: FailoverStep = {
    ...pendingStep('detected'),
    status: 'succeeded',
    startedAt: at.toISOString(),
    finishedAt: at.toISOString(),
    log: detected.detection.evidence.map(message => ({
      t: at.toISOString(),
      message,
    })),
  };
  await table.db(RUNS).insert({
    id,
    region_ref: detected.region,
    target_ref: detected.target,
    mode: 'detected',
    dry_run: false,
    force: false,
    status: 'succeeded',
    created_by: detected.promotedBy,
    created_at: at,
    finished_at: await table.now(),
    heartbeat_at: table.clock(),
    preflight: '[]',
    steps: JSON.stringify([step]),
    rto_ms: detected.rtoMs,
    data_loss_bytes: detected.dataLossBytes,
    detection: JSON.stringify(detected.detection),
    progress: JSON.stringify({ changed: [], ...detected.progress }),
  });
  return (await getRun(table, id))!;
}

export async function listDetectedRunsWithoutPromoter(
  table: RunTable,
  since: Date,
): Promise<{ run: FailoverRun; targetNode?: string }[]> {
  const rows = await table
    .db<RunRow>(RUNS)
    .where({ mode: 'detected' })
    .andWhere('created_at', '>=', since);
  return rows
    .map(row => ({
      run: toRun(row),
      targetNode: parseProgress<{ targetNode?: string }>(row.progress)
        ?.targetNode,
    }))
    .filter(({ run }) => run.detection && !run.detection.promotedBy);
}

export async function reviseDetection(
  table: RunTable,
  runId: string,
  revision: { promotedBy: string; evidence: string[]; promotedAt?: string },
): Promise<void> {
  const row = await table
    .db<RunRow>(RUNS)
    .where({ id: runId, mode: 'detected' })
    .first();
  if (!row?.detection) {
    return;
  }
  const detection: FailoverDetection = JSON.parse(row.detection);
  const revised: FailoverDetection = {
    ...detection,
    promotedBy: revision.promotedBy,
    ...(revision.promotedAt && detection.promotedAtFrom === 'samples'
      ? { promotedAt: revision.promotedAt, promotedAtFrom: 'node' }
      : {}),
    evidence: [
      ...detection.evidence,
      ...revision.evidence.filter(line => !detection.evidence.includes(line)),
    ],
  };
  await table
    .db(RUNS)
    .where({ id: runId })
    .update({
      detection: JSON.stringify(revised),
      created_by: revision.promotedBy,
    });
}

export async function hasDetectedRun(
  table: RunTable,
  target: string,
  timeline: number | null,
): Promise<boolean> {
  const rows = await table
    .db<RunRow>(RUNS)
    .where({ target_ref: target, mode: 'detected' })
    .select('detection');
  return rows.some(
    row => JSON.parse(row.detection ?? '{}').timeline === timeline,
  );
}
