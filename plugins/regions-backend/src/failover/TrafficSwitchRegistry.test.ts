import { ConfigReader } from '@backstage/config';
import {
  TrafficSwitch,
  TrafficSwitchFactory,
} from '@meridian/plugin-regions-node';
import { builtInTrafficSwitchFactories } from './traffic';
import { TrafficSwitchRegistry } from './TrafficSwitchRegistry';

const powerdns = {
  driver: 'powerdns',
  url: 'http://127.0.0.1:8081',
  apiKey: 'k',
  zone: 'meridian.test',
  record: 'api.meridian.test',
  addresses: { 'us-east': '10.48.0.10' },
};
const route53 = {
  driver: 'route53',
  hostedZoneId: 'Z1D633PJN98FT9',
  record: 'api.meridian.dev',
  credentials: { accessKeyId: 'AKIA', secretAccessKey: 'secret' },
  addresses: { 'us-east': '203.0.113.10' },
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
});
