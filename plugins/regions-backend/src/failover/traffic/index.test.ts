import { ConfigReader } from '@backstage/config';
import {
  TrafficSwitch,
  TrafficSwitchFactory,
} from '@meridian/plugin-regions-node';
import { builtInTrafficSwitchFactories, createTrafficSwitches } from '.';

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

describe('createTrafficSwitches', () => {
  it('builds one switch per block of regions.traffic with the driver it names', () => {
    const switches = createTrafficSwitches(
      configWith({ 'api-dns': powerdns, 'api-r53': route53 }),
      builtInTrafficSwitchFactories,
    );
    expect([...switches].map(([name, s]) => [name, s.name, s.driver])).toEqual([
      ['api-dns', 'api-dns', 'powerdns'],
      ['api-r53', 'api-r53', 'route53'],
    ]);
    expect(
      createTrafficSwitches(new ConfigReader({}), builtInTrafficSwitchFactories)
        .size,
    ).toBe(0);
  });

  it('names the key of an unknown or missing driver', () => {
    expect(() =>
      createTrafficSwitches(
        configWith({ 'api-dns': { ...powerdns, driver: 'bind' } }),
        builtInTrafficSwitchFactories,
      ),
    ).toThrow(
      'regions.traffic.api-dns.driver "bind" is not one of powerdns, cloudflare, route53',
    );
    const { driver, ...noDriver } = powerdns;
    expect(() =>
      createTrafficSwitches(
        configWith({ 'api-dns': noDriver }),
        builtInTrafficSwitchFactories,
      ),
    ).toThrow(
      'regions.traffic.api-dns.driver is required: one of powerdns, cloudflare, route53',
    );
  });

  it('lets a factory added first replace a built-in driver', () => {
    const custom: TrafficSwitchFactory = {
      driver: 'powerdns',
      create: name => ({ name, driver: 'powerdns-custom' } as TrafficSwitch),
    };
    const switches = createTrafficSwitches(
      configWith({ 'api-dns': powerdns }),
      [custom, ...builtInTrafficSwitchFactories],
    );
    expect(switches.get('api-dns')!.driver).toBe('powerdns-custom');
  });
});
