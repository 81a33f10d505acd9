export { ReplicationTab } from './ReplicationTab';
export { ReplicationStatusChip } from './ReplicationStatusChip';
