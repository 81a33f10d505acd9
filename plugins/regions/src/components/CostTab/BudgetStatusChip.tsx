import { BudgetStatus } from '@meridian/plugin-regions-common';
import { StatusChip, StatusTone } from '../StatusChip';

const TONES: Record<BudgetStatus, StatusTone> = {
  ok: 'ok',
  'at-risk': 'warning',
  over: 'error',
  unknown: 'unknown',
};

const LABELS: Record<BudgetStatus, string> = {
  ok: 'within budget',
  'at-risk': 'at risk',
  over: 'over budget',
  unknown: 'no budget status',
};

/**
 * A budget status: green within budget, orange while the month-end forecast
 * is above it, red once spend is above it.
 *
 * @public
 */
export function BudgetStatusChip(props: { status: BudgetStatus }) {
  return <StatusChip tone={TONES[props.status]} label={LABELS[props.status]} />;
}
