export { RegionPlanCard } from './RegionPlanCard';
