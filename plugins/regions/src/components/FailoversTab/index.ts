export { FailoversTab } from './FailoversTab';
