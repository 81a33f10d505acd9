import { ConfigReader } from '@backstage/config';
import { readPlanValidationSchedule } from './schedule';

describe('readPlanValidationSchedule', () => {
  it('validates every 30 minutes by default, globally, or as configured', () => {
    expect(readPlanValidationSchedule(new ConfigReader({}))).toEqual({
      frequency: { minutes: 30 },
      timeout: { minutes: 5 },
      initialDelay: { seconds: 30 },
      scope: 'global',
    });
    const configured = new ConfigReader({
      regions: { failover: { validation: { frequency: 'PT10M' } } },
    });
    expect(readPlanValidationSchedule(configured).frequency).toEqual({
      minutes: 10,
    });
  });

  it('refuses a frequency that is not a duration above zero, naming key and value', () => {
    const read = (frequency: unknown) =>
      readPlanValidationSchedule(
        new ConfigReader({
          regions: { failover: { validation: { frequency } } },
        } as any),
      );
    expect(() => read({ minutes: 0 })).toThrow(
      'regions.failover.validation.frequency must be a duration above zero, got {"minutes":0}',
    );
    expect(() => read('often')).toThrow(
      /regions\.failover\.validation\.frequency/,
    );
  });
});
