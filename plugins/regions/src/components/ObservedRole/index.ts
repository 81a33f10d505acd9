export { ObservedRoleChip } from './ObservedRoleChip';
