import { FailoverRunStatus } from '@meridian/plugin-regions-common';
import { StatusChip, StatusTone } from '../StatusChip';

const TONES: Record<FailoverRunStatus, StatusTone> = {
  pending: 'unknown',
  running: 'active',
  'awaiting-approval': 'waiting',
  succeeded: 'ok',
  failed: 'error',
  refused: 'warning',
  interrupted: 'critical',
  cancelled: 'ended',
  expired: 'lapsed',
};

/**
 * A failover run's status: grey pending, blue running, hollow blue awaiting
 * approval, green succeeded, orange refused by its pre-flight checks, red
 * failed, dark red interrupted by a backend restart, dark grey cancelled,
 * light grey expired (nobody approved it in time).
 */
export function FailoverStatusChip(props: { status: FailoverRunStatus }) {
  return (
    <StatusChip
      tone={TONES[props.status]}
      label={props.status.replace('-', ' ')}
    />
  );
}
