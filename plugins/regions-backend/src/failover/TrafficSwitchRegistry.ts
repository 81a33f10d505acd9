import { stringifyEntityRef } from '@backstage/catalog-model';
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

  /**
   * Why a configured switch the region names may not serve it: the one rule
   * that binds switches to regions. A switch serves the regions its
   * `addresses` (or `poolIds`) key by full ref; naming any other switch gives
   * an entity no power over it.
   */
  problemsOf(region: RegionEntity): string[] {
    const ref = stringifyEntityRef(region);
    return this.namesOf(region).flatMap(name => {
      const sw = this.switches.get(name);
      if (!sw) {
        return []; // not configured here at all: a run says so in its pre-flight
      }
      return sw.addressOf(ref)
        ? []
        : [
            `${ref} names traffic switch ${name}, which config does not bind to it (regions.traffic.${name}.addresses has no ${ref})`,
          ];
    });
  }

  /**
   * The switches a failover from `source` to `target` drives — every switch
   * either names — each with the target's address, or why it may not: each
   * must serve both regions.
   */
  bindRun(
    source: RegionEntity,
    target: RegionEntity,
  ): {
    switches: { sw: TrafficSwitch; address: string }[];
    problems: string[];
  } {
    const names = [
      ...new Set([...this.namesOf(source), ...this.namesOf(target)]),
    ];
    const problems: string[] = [];
    const switches: { sw: TrafficSwitch; address: string }[] = [];
    for (const name of names) {
      const sw = this.switches.get(name);
      if (!sw) {
        problems.push(`${name} is not configured under regions.traffic`);
        continue;
      }
      const unserved = [source, target]
        .map(region => stringifyEntityRef(region))
        .filter(ref => !sw.addressOf(ref));
      if (unserved.length) {
        problems.push(
          `regions.traffic.${name} does not serve ${unserved.join(
            ' and ',
          )} (its addresses are keyed by region ref)`,
        );
        continue;
      }
      switches.push({ sw, address: sw.addressOf(stringifyEntityRef(target))! });
    }
    return { switches, problems };
  }
}
