import { formatScore } from '../../lib/format';
import { StatusChip } from '../StatusChip';

/**
 * A readiness score: green when it reaches the threshold, red when it does
 * not.
 *
 * @public
 */
export function ReadinessChip(props: { score: number; ready: boolean }) {
  return (
    <StatusChip
      tone={props.ready ? 'ok' : 'error'}
      label={`${formatScore(props.score)} · ${
        props.ready ? 'ready' : 'not ready'
      }`}
    />
  );
}
