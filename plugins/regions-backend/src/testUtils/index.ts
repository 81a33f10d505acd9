/**
 * What other packages' tests need to run the real regions backend against a
 * real PostgreSQL pair: the lab pair and its `regions.databases`, the us-east
 * / us-west Region entities bound to it, a memory traffic switch, a policy of
 * named users, and probes of what the nodes say. Re-exported from the
 * plugin's own test code, not copied.
 *
 * @packageDocumentation
 */
export { startPostgresPair } from '../testing/postgresLab';
export type { PostgresPair } from '../testing/postgresLab';
// This entry point is where the plugin's own test helpers are published to
// other packages' tests: it re-exports them rather than keeping copies.
/* eslint-disable no-restricted-imports */
export { eastWestDatabases, useLabPair } from '../__testUtils__/labPair';
export { US_EAST, US_WEST, usEastWestPair } from '../__testUtils__/region';
export { allowOnlyUsers } from '../__testUtils__/regionsBackend';
/* eslint-enable no-restricted-imports */
export {
  applicationWrite,
  inRecovery,
  timelineOf,
  writtenByTheApplication,
} from '../failover/testing/failoverStack';
export { eventually } from '../failover/testing/eventually';
export { memoryTrafficSwitchFactory } from '../failover/testing/memoryTrafficSwitch';
