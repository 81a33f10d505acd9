import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { FailoverStepContext } from '@meridian/plugin-regions-node';
import { setupServer } from 'msw/node';
import { fakeRoute53Zone } from '../../__testUtils__/fakeRoute53Zone';
import { route53TrafficSwitchFactory } from './Route53TrafficSwitch';

const ZONE_ID = 'Z1D633PJN98FT9';
const EAST = '203.0.113.10';
const WEST = '198.51.100.20';

const ctx: FailoverStepContext = {
  signal: new AbortController().signal,
  log: () => {},
  ensureLease: async () => {},
};

const create = () =>
  route53TrafficSwitchFactory.create(
    'api-r53',
    new ConfigReader({
      driver: 'route53',
      hostedZoneId: ZONE_ID,
      record: 'api.meridian.dev',
      credentials: {
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      },
      addresses: {
        'region:default/us-east': EAST,
        'region:default/us-west': WEST,
      },
    }),
  );

describe('Route53TrafficSwitch weighted records', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('splits the record into weighted sets step by step, then back into one simple set', async () => {
    const zone = fakeRoute53Zone(ZONE_ID, [
      { name: 'api.meridian.dev.', type: 'A', ttl: '30', values: [WEST] },
    ]);
    server.use(...zone.handlers);
    const sw = create();

    expect(await sw.currentWeights!(ctx)).toEqual([
      { address: WEST, percent: 100 },
    ]);
    for (const percent of [10, 25, 50]) {
      await sw.weigh!(
        [
          { address: EAST, percent },
          { address: WEST, percent: 100 - percent },
        ],
        ctx,
      );
      expect(await sw.currentWeights!(ctx)).toEqual(
        expect.arrayContaining([
          { address: EAST, percent },
          { address: WEST, percent: 100 - percent },
        ]),
      );
      expect(zone.sets()).toHaveLength(2);
    }
    expect(zone.sets()).toEqual(
      expect.arrayContaining([
        {
          name: 'api.meridian.dev.',
          type: 'A',
          ttl: '30',
          setIdentifier: `meridian ${EAST}`,
          weight: '50',
          values: [EAST],
        },
      ]),
    );
    // The first split deleted the simple set in the same batch that made the weighted ones.
    expect(zone.batches[0]).toMatch(
      /<Action>DELETE<\/Action><ResourceRecordSet><Name>api\.meridian\.dev\.<\/Name><Type>A<\/Type><TTL>30<\/TTL>.*198\.51\.100\.20.*<Action>UPSERT<\/Action>.*<SetIdentifier>meridian 203\.0\.113\.10<\/SetIdentifier><Weight>10<\/Weight>/s,
    );
    expect((await sw.current(ctx)).sort()).toEqual([WEST, EAST].sort());

    await sw.switchTo(EAST, ctx);
    expect(zone.sets()).toEqual([
      { name: 'api.meridian.dev.', type: 'A', ttl: '30', values: [EAST] },
    ]);
    expect(await sw.current(ctx)).toEqual([EAST]);
    expect(zone.batches).toHaveLength(4);
  });

  it('does not send a split that does not add up to 100 or names an address of the wrong type', async () => {
    const zone = fakeRoute53Zone(ZONE_ID, [
      { name: 'api.meridian.dev.', type: 'A', ttl: '30', values: [WEST] },
    ]);
    server.use(...zone.handlers);
    const sw = create();
    await expect(
      sw.weigh!(
        [
          { address: EAST, percent: 10 },
          { address: WEST, percent: 80 },
        ],
        ctx,
      ),
    ).rejects.toThrow(
      `traffic switch api-r53 (route53 hosted zone ${ZONE_ID}): cannot weigh: the percents add up to 90, not 100`,
    );
    await expect(
      sw.weigh!(
        [
          { address: 'east.example', percent: 10 },
          { address: WEST, percent: 90 },
        ],
        ctx,
      ),
    ).rejects.toThrow(
      'cannot weigh: "east.example" is not an IPv4 address (the record type is A)',
    );
    expect(zone.batches).toEqual([]);
    expect(zone.sets()).toHaveLength(1);
  });
});
