export { RegionHealthCard } from './RegionHealthCard';
export { HealthStatusChip, healthColor } from './HealthStatusChip';
