import { ConfigReader } from '@backstage/config';
import { readGlobalSchedule } from './globalSchedule';

const KEY = 'regions.collectors.replication';
const DEFAULTS = {
  frequency: { seconds: 10 },
  timeout: { minutes: 1 },
  initialDelay: { seconds: 5 },
};
const configWith = (block?: object) =>
  new ConfigReader(
    block ? { regions: { collectors: { replication: block } } } : {},
  );

describe('readGlobalSchedule', () => {
  it('answers the defaults, global, when nothing is configured', () => {
    expect(readGlobalSchedule(configWith(), KEY, DEFAULTS)).toEqual({
      ...DEFAULTS,
      scope: 'global',
    });
  });

  it('takes each configured key over its default and keeps the rest', () => {
    expect(
      readGlobalSchedule(
        configWith({ frequency: { seconds: 30 } }),
        KEY,
        DEFAULTS,
      ),
    ).toEqual({
      frequency: { seconds: 30 },
      timeout: { minutes: 1 },
      initialDelay: { seconds: 5 },
      scope: 'global',
    });
  });

  it("leaves the task's own keys out of the schedule", () => {
    expect(
      readGlobalSchedule(
        configWith({ retention: { raw: { hours: 2 } }, concurrency: 4 }),
        KEY,
        DEFAULTS,
        ['retention', 'concurrency'],
      ),
    ).toEqual({ ...DEFAULTS, scope: 'global' });
  });

  it('names the key of a bad value', () => {
    expect(() =>
      readGlobalSchedule(configWith({ frequency: 'often' }), KEY, DEFAULTS),
    ).toThrow(
      "regions.collectors.replication: Invalid duration 'often' in config at 'frequency'",
    );
  });
});
