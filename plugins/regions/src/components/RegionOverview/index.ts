export { RegionConflictsCard } from './RegionConflictsCard';
export { RegionDetailsCard } from './RegionDetailsCard';
export { RegionOverviewContent } from './RegionOverviewContent';
export { RegionRelationsCard } from './RegionRelationsCard';
export { RegionRunbooksCard } from './RegionRunbooksCard';
