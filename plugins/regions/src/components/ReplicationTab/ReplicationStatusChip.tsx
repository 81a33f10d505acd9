import { ReplicationStatus } from '@meridian/plugin-regions-common';
import { StatusChip, StatusTone } from '../StatusChip';

const TONES: Record<ReplicationStatus, StatusTone> = {
  ok: 'ok',
  warning: 'warning',
  breach: 'error',
  unknown: 'unknown',
};

/**
 * A replication status: green `ok`, orange `warning` from half the RPO, red
 * `breach` above it, grey `unknown` without a fresh sample.
 *
 * @public
 */
export function ReplicationStatusChip(props: { status: ReplicationStatus }) {
  return <StatusChip tone={TONES[props.status]} label={props.status} />;
}
