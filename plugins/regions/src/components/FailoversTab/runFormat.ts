import {
  FailoverMode,
  FailoverRun,
  FailoverRunMode,
  FailoverRunStatus,
} from '@meridian/plugin-regions-common';
import { formatSeconds } from '../../lib/format';

/** Statuses a run may still leave: it is followed live until it does. */
const ACTIVE_STATUSES: FailoverRunStatus[] = [
  'pending',
  'awaiting-approval',
  'running',
];

export function isRunActive(run: Pick<FailoverRun, 'status'>): boolean {
  return ACTIVE_STATUSES.includes(run.status);
}

/** 412 → "412 ms", 1850 → "1.9 s", 95000 → "1 min 35 s". */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 60_000) {
    return `${Math.round(ms / 100) / 10} s`;
  }
  return formatSeconds(Math.round(ms / 1000));
}

/** Milliseconds from `from` to `to` (or to now while `to` is null). */
export function elapsedMs(from: string, to: string | null): number {
  return Math.max(0, (to ? Date.parse(to) : Date.now()) - Date.parse(from));
}

export const MODE_LABELS: Record<FailoverRunMode, string> = {
  drill: 'Drill',
  switchover: 'Switchover',
  failover: 'Emergency failover',
  // a promotion Meridian saw but did not make
  detected: 'Detected',
};

/** What each mode does, in one line, as the operator picks one. */
export const MODE_EXPLANATIONS: Record<FailoverMode, string> = {
  drill:
    'Runs every pre-flight check and reports what would happen; changes nothing.',
  switchover:
    'Planned: fences the primary, waits until the standby has replayed everything, promotes it and switches traffic; loses no committed transaction.',
  failover:
    'Emergency, primary lost: promotes the standby within the lag limit, switches traffic and records the data it had not received.',
};
