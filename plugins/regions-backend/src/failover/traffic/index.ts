import { Config } from '@backstage/config';
import {
  TrafficSwitch,
  TrafficSwitchFactory,
} from '@meridian/plugin-regions-node';
import { cloudflareTrafficSwitchFactory } from './CloudflareTrafficSwitch';
import { powerDnsTrafficSwitchFactory } from './PowerDnsTrafficSwitch';
import { route53TrafficSwitchFactory } from './Route53TrafficSwitch';

export { CloudflareTrafficSwitch } from './CloudflareTrafficSwitch';
export { PowerDnsTrafficSwitch } from './PowerDnsTrafficSwitch';
export { Route53TrafficSwitch } from './Route53TrafficSwitch';

/** The drivers `regions.traffic.<name>.driver` may name out of the box. */
export const builtInTrafficSwitchFactories: TrafficSwitchFactory[] = [
  powerDnsTrafficSwitchFactory,
  cloudflareTrafficSwitchFactory,
  route53TrafficSwitchFactory,
];

/**
 * Builds every switch of `regions.traffic`, by name. `factories` are asked in
 * order (modules' first, then the built-in ones), so a module can replace a
 * built-in driver. Throws on the first invalid block, naming its key.
 */
export function createTrafficSwitches(
  config: Config,
  factories: TrafficSwitchFactory[],
): Map<string, TrafficSwitch> {
  const switches = new Map<string, TrafficSwitch>();
  const traffic = config.getOptionalConfig('regions.traffic');
  for (const name of traffic?.keys() ?? []) {
    const block = traffic!.getConfig(name);
    const driver = block.getOptional('driver');
    const factory = factories.find(candidate => candidate.driver === driver);
    if (!factory) {
      const known = [...new Set(factories.map(f => f.driver))].join(', ');
      throw new Error(
        driver === undefined
          ? `regions.traffic.${name}.driver is required: one of ${known}`
          : `regions.traffic.${name}.driver ${JSON.stringify(
              driver,
            )} is not one of ${known}`,
      );
    }
    switches.set(name, factory.create(name, block));
  }
  return switches;
}
