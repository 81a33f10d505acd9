import { JsonObject } from '@backstage/config';
import { labDatabases } from '../failover/testing/failoverStack';
import { PostgresPair, startPostgresPair } from '../testing/postgresLab';
import { US_EAST, US_WEST } from './region';

/**
 * Starts a PostgreSQL lab pair (east primary, west standby) before the
 * enclosing describe's tests and stops it after them; call the answer
 * inside a test or hook for the pair.
 */
export function useLabPair(): () => PostgresPair {
  let pair: PostgresPair | undefined;
  beforeAll(async () => {
    pair = await startPostgresPair({ names: ['east', 'west'] });
  });
  afterAll(async () => {
    await pair?.stop();
  });
  return () => pair!;
}

/** `regions.databases` for the lab pair: `us-east-db` on its primary, `us-west-db` on its standby. */
export function eastWestDatabases(pair: PostgresPair): JsonObject {
  return labDatabases({
    'us-east-db': { node: pair.primary, region: US_EAST },
    'us-west-db': { node: pair.standby, region: US_WEST },
  });
}
