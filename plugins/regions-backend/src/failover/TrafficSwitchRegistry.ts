import { Config } from '@backstage/config';
import {
  ANNOTATION_REGION_TRAFFIC,
  RegionEntity,
} from '@meridian/plugin-regions-common';
import {
  TrafficSwitch,
  TrafficSwitchFactory,
} from '@meridian/plugin-regions-node';

/**
 * The traffic switches of `regions.traffic`, each built by the factory of its
 * `driver` when the backend starts, so that a bad block stops the start with
 * a message naming it rather than failing a failover later.
 */
export class TrafficSwitchRegistry {
  static fromConfig(
    config: Config,
    factories: TrafficSwitchFactory[],
  ): TrafficSwitchRegistry {
    const byDriver = new Map<string, TrafficSwitchFactory>();
    for (const factory of factories) {
      // The first registered wins: modules are registered before built-ins.
      if (!byDriver.has(factory.driver)) {
        byDriver.set(factory.driver, factory);
      }
    }
    const switches = new Map<string, TrafficSwitch>();
    const traffic = config.getOptionalConfig('regions.traffic');
    for (const name of traffic?.keys() ?? []) {
      const block = traffic!.getConfig(name);
      const driver = block.getOptionalString('driver');
      const factory = driver ? byDriver.get(driver) : undefined;
      if (!factory) {
        const known = [...byDriver.keys()].sort();
        const drivers = known.length
          ? `known: ${known.join(', ')}`
          : 'no driver is installed';
        throw new Error(
          driver
            ? `regions.traffic.${name}.driver "${driver}" is not a known traffic switch driver (${drivers})`
            : `regions.traffic.${name}.driver is required (${drivers})`,
        );
      }
      switches.set(name, factory.create(name, block));
    }
    return new TrafficSwitchRegistry(switches);
  }

  constructor(private readonly switches: Map<string, TrafficSwitch>) {}

  /** The names a region's `meridian.dev/traffic` annotation lists, in order. */
  namesOf(region: RegionEntity): string[] {
    return (region.metadata.annotations?.[ANNOTATION_REGION_TRAFFIC] ?? '')
      .split(',')
      .map(name => name.trim())
      .filter(Boolean);
  }

  /** The configured switch of that name; undefined when `regions.traffic` has none. */
  get(name: string): TrafficSwitch | undefined {
    return this.switches.get(name);
  }
}
