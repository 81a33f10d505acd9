import { ConfigReader } from '@backstage/config';
import {
  TrafficSwitch,
  TrafficSwitchFactory,
} from '@meridian/plugin-regions-node';
import { region } from '../__testUtils__/region';
import { builtInTrafficSwitchFactories } from './traffic';
import { TrafficSwitchRegistry } from './TrafficSwitchRegistry';

const powerdns = {
  driver: 'powerdns',
  url: 'http://127.0.0.1:8081',
  apiKey: 'k',
  zone: 'meridian.test',
  record: 'api.meridian.test',
  addresses: { 'region:default/us-east': '10.48.0.10' },
};
const route53 = {
  driver: 'route53',
  hostedZoneId: 'Z1D633PJN98FT9',
  record: 'api.meridian.dev',
  credentials: { accessKeyId: 'AKIA', secretAccessKey: 'secret' },
  addresses: { 'region:default/us-east': '203.0.113.10' },
};

const configWith = (traffic: object) =>
  new ConfigReader({ regions: { traffic } });

describe('TrafficSwitchRegistry', () => {
  it('builds one switch per block of regions.traffic with the driver it names', () => {
    const registry = TrafficSwitchRegistry.fromConfig(
      configWith({ 'api-dns': powerdns, 'api-r53': route53 }),
      builtInTrafficSwitchFactories,
    );
    expect(
      ['api-dns', 'api-r53'].map(name => [
        registry.get(name)?.name,
        registry.get(name)?.driver,
      ]),
    ).toEqual([
      ['api-dns', 'powerdns'],
      ['api-r53', 'route53'],
    ]);
    expect(
      TrafficSwitchRegistry.fromConfig(
        new ConfigReader({}),
        builtInTrafficSwitchFactories,
      ).get('api-dns'),
    ).toBeUndefined();
  });

  it('names the key of an unknown or missing driver', () => {
    expect(() =>
      TrafficSwitchRegistry.fromConfig(
        configWith({ 'api-dns': { ...powerdns, driver: 'bind' } }),
        builtInTrafficSwitchFactories,
      ),
    ).toThrow(
      'regions.traffic.api-dns.driver "bind" is not a known traffic switch driver (known: cloudflare, powerdns, route53)',
    );
    const { driver, ...noDriver } = powerdns;
    expect(() =>
      TrafficSwitchRegistry.fromConfig(
        configWith({ 'api-dns': noDriver }),
        builtInTrafficSwitchFactories,
      ),
    ).toThrow(
      'regions.traffic.api-dns.driver is required (known: cloudflare, powerdns, route53)',
    );
  });

  it('lets a factory added first replace a built-in driver', () => {
    const custom: TrafficSwitchFactory = {
      driver: 'powerdns',
      create: name => ({ name, driver: 'powerdns-custom' } as TrafficSwitch),
    };
    const registry = TrafficSwitchRegistry.fromConfig(
      configWith({ 'api-dns': powerdns }),
      [custom, ...builtInTrafficSwitchFactories],
    );
    expect(registry.get('api-dns')!.driver).toBe('powerdns-custom');
  });

  it('refuses addresses keyed by anything but a full region ref, naming the key', () => {
    expect(() =>
      TrafficSwitchRegistry.fromConfig(
        configWith({
          'api-dns': { ...powerdns, addresses: { 'us-east': '10.48.0.10' } },
        }),
        builtInTrafficSwitchFactories,
      ),
    ).toThrow(
      'regions.traffic.api-dns.addresses key "us-east" is not a full region ref like region:default/us-east',
    );
    expect(() =>
      TrafficSwitchRegistry.fromConfig(
        configWith({
          'api-dns': {
            ...powerdns,
            addresses: { 'component:default/us-east': '10.48.0.10' },
          },
        }),
        builtInTrafficSwitchFactories,
      ),
    ).toThrow(/key "component:default\/us-east" is not a full region ref/);
  });

  it('lets a run drive only switches that serve both its regions, and says which do not', () => {
    const registry = TrafficSwitchRegistry.fromConfig(
      configWith({
        'api-dns': {
          ...powerdns,
          addresses: {
            'region:default/us-east': '10.48.0.10',
            'region:default/us-west': '10.49.0.10',
          },
        },
        'payments-dns': {
          ...powerdns,
          addresses: { 'region:payments/us-east': '10.50.0.10' },
        },
      }),
      builtInTrafficSwitchFactories,
    );
    const east = region(
      'us-east',
      {},
      {
        annotations: { 'meridian.dev/traffic': 'api-dns, payments-dns' },
      },
    );
    const west = region(
      'us-west',
      {},
      {
        annotations: { 'meridian.dev/traffic': 'api-dns' },
      },
    );

    expect(registry.problemsOf(west)).toEqual([]);
    // a region of another namespace with the same name is not served
    expect(registry.problemsOf(east)).toEqual([
      'region:default/us-east names traffic switch payments-dns, which config does not bind to it (regions.traffic.payments-dns.addresses has no region:default/us-east)',
    ]);
    const run = registry.bindRun(east, west);
    expect(run.switches.map(({ sw, address }) => [sw.name, address])).toEqual([
      ['api-dns', '10.49.0.10'],
    ]);
    expect(run.problems).toEqual([
      'regions.traffic.payments-dns does not serve region:default/us-east and region:default/us-west (its addresses are keyed by region ref)',
    ]);
  });
});
