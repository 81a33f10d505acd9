import { ConfigReader, JsonObject } from '@backstage/config';
import { automaticFailoverCovers, readAutomaticFailoverConfig } from './config';

const read = (automatic?: JsonObject) =>
  readAutomaticFailoverConfig(
    new ConfigReader(automatic ? { regions: { failover: { automatic } } } : {}),
  );

describe('readAutomaticFailoverConfig', () => {
  it('is off and a dry run by default, for no region, after 3 checks, with an hour of cooldown', () => {
    expect(read()).toEqual({
      enabled: false,
      dryRun: true,
      regions: [],
      consecutiveChecks: 3,
      cooldownMs: 3_600_000,
      schedule: {
        frequency: { seconds: 5 },
        timeout: { minutes: 2 },
        initialDelay: { seconds: 10 },
        scope: 'global',
      },
    });
  });

  it('reads every key, with regions as canonical refs', () => {
    const automatic = read({
      enabled: true,
      dryRun: false,
      regions: ['region:default/us-east', 'Region:default/us-west'],
      consecutiveChecks: 5,
      cooldown: { minutes: 90 },
      frequency: { seconds: 2 },
    });
    expect(automatic).toEqual({
      enabled: true,
      dryRun: false,
      regions: ['region:default/us-east', 'region:default/us-west'],
      consecutiveChecks: 5,
      cooldownMs: 5_400_000,
      schedule: expect.objectContaining({ frequency: { seconds: 2 } }),
    });
    expect(automaticFailoverCovers(automatic, 'region:default/us-west')).toBe(
      true,
    );
    expect(
      automaticFailoverCovers(automatic, 'region:default/us-central'),
    ).toBe(false);
    expect(
      automaticFailoverCovers(
        { ...automatic, enabled: false },
        'region:default/us-east',
      ),
    ).toBe(false);
  });

  it('refuses a short ref, too few checks and a bad cooldown, naming key and value', () => {
    expect(() =>
      read({ regions: ['region:default/us-east', 'us-west'] }),
    ).toThrow(
      'regions.failover.automatic.regions[1] "us-west" is not a full region ref like region:default/us-east',
    );
    expect(() => read({ regions: ['component:default/api'] })).toThrow(
      'regions.failover.automatic.regions[0] "component:default/api" is not a full region ref',
    );
    expect(() => read({ consecutiveChecks: 0 })).toThrow(
      'regions.failover.automatic.consecutiveChecks must be a whole number ≥ 1, got 0',
    );
    expect(() => read({ consecutiveChecks: 2.5 })).toThrow(
      'regions.failover.automatic.consecutiveChecks must be a whole number ≥ 1, got 2.5',
    );
    expect(() => read({ cooldown: 'an hour' })).toThrow(
      /regions\.failover\.automatic\.cooldown/,
    );
    expect(() => read({ cooldown: { hours: -1 } })).toThrow(
      'regions.failover.automatic.cooldown must not be negative, got {"hours":-1}',
    );
    expect(() => read({ enabled: 'sometimes' })).toThrow(
      /regions\.failover\.automatic\.enabled/,
    );
  });
});
