export type { RegionConflictRule } from './types';
export type { RegionsConflictRulesExtensionPoint } from './extensions';
export { regionsConflictRulesExtensionPoint } from './extensions';
