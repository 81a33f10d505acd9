import { Config } from '@backstage/config';
import { RegionEntity } from '@meridian/plugin-regions-common';
import {
  TrafficSwitch,
  TrafficSwitchFactory,
} from '@meridian/plugin-regions-node';

/**
 * A traffic switch that keeps what it points at in memory, for tests and the
 * benchmark until the real drivers are wired: `{ driver: memory, addresses }`.
 * `pointsAt` is shared by switches of the same name so a test can read it.
 */
export function memoryTrafficSwitchFactory(
  pointsAt = new Map<string, string[]>(),
): TrafficSwitchFactory & { pointsAt: Map<string, string[]> } {
  return {
    driver: 'memory',
    pointsAt,
    create(name: string, config: Config): TrafficSwitch {
      const addresses = config.getConfig('addresses');
      return {
        name,
        driver: 'memory',
        addressOf: (region: RegionEntity) =>
          addresses.getOptionalString(region.metadata.name),
        current: async () => pointsAt.get(name) ?? [],
        switchTo: async (address, ctx) => {
          pointsAt.set(name, [address]);
          ctx.log(`${name} now points at ${address}`);
        },
      };
    },
  };
}
