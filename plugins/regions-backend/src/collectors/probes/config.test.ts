import { ConfigReader, JsonObject } from '@backstage/config';
import { readProbesConfig } from './config';

const read = (probes: JsonObject) =>
  readProbesConfig(new ConfigReader({ regions: { probes } }));

const EAST = 'region:default/us-east';

describe('readProbesConfig', () => {
  it('reads a probe with its defaults, credentials out of what is shown', () => {
    const [probe] = read({
      api: {
        url: 'https://probe:s3cret@api.us-east.example/healthz?token=t0ken',
        region: 'Region:default/us-east',
      },
    });
    expect(probe).toMatchObject({
      name: 'api',
      kind: 'http',
      target: 'https://api.us-east.example/healthz?token=…',
      authorization: `Basic ${Buffer.from('probe:s3cret').toString('base64')}`,
      region: EAST,
      intervalMs: 10_000,
      timeoutMs: 2000,
      failuresToDown: 3,
      latencyThresholdMs: 200,
      method: 'GET',
    });
    expect(probe.url.toString()).not.toContain('s3cret');
    expect(probe.expectStatus.description).toBe('2xx');
    expect(read({})).toEqual([]);
  });

  it('matches the expected statuses by code, class or list', () => {
    const [probe] = read({
      api: {
        url: 'http://api:8080/',
        region: EAST,
        expectStatus: [204, '3xx'],
      },
    });
    expect([200, 204, 301, 399, 404].map(probe.expectStatus.matches)).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
    expect(probe.expectStatus.description).toBe('204 or 3xx');
  });

  it.each<[JsonObject, string]>([
    [
      { url: 'ftp://files.example/x', region: EAST },
      'regions.probes.p.url must start with http://, https:// or tcp://, got "ftp:"',
    ],
    [
      { url: 'tcp://db.example', region: EAST },
      'regions.probes.p.url must be tcp://host:port, got tcp://db.example',
    ],
    [
      { url: 'http://a:s3cret@ bad url', region: EAST },
      'regions.probes.p.url is not a URL',
    ],
    [
      { url: 'http://api/', region: 'us-east' },
      'regions.probes.p.region "us-east" is not a full region ref like region:default/us-east',
    ],
    [
      { url: 'http://api/', region: EAST, from: 'component:default/x' },
      'regions.probes.p.from "component:default/x" is not a full region ref like region:default/us-east',
    ],
    [
      { url: 'http://api/', region: EAST, expectStatus: '2xy' },
      'regions.probes.p.expectStatus must be a status code like 200, a class like 2xx, or a list of them, got "2xy"',
    ],
    [
      { url: 'http://api/', region: EAST, failuresToDown: 0 },
      'regions.probes.p.failuresToDown must be a whole number ≥ 1, got 0',
    ],
    [
      { url: 'http://api/', region: EAST, method: 'POST' },
      'regions.probes.p.method must be GET or HEAD, got "POST"',
    ],
    [
      { url: 'http://api/', region: EAST, interval: { milliseconds: 500 } },
      'regions.probes.p.interval must be at least 1 second, got {"milliseconds":500}',
    ],
  ])('refuses %j', (probe, message) => {
    expect(() => read({ p: probe })).toThrow(message);
    expect(() => read({ p: probe })).not.toThrow(/s3cret/);
  });
});
