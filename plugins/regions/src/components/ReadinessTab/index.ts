export { ReadinessTab } from './ReadinessTab';
export { ReadinessChip } from './ReadinessChip';
