export { builtInConflictRules, detectConflicts } from './detectConflicts';
export { canonicalRegionRef, RegionIndex } from './RegionIndex';
export { databaseBindingRule, trafficBindingRule } from './bindings';
export { deployedResidencyConflicts } from './residency';
