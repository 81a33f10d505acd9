export { CostTab } from './CostTab';
export { BudgetStatusChip } from './BudgetStatusChip';
