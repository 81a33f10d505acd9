import { Config } from '@backstage/config';
import {
  TrafficSwitch,
  TrafficSwitchFactory,
} from '@meridian/plugin-regions-node';
import { TrafficConfig } from '../traffic/common';

/**
 * A traffic switch that keeps what it points at in memory, for tests:
 * `{ driver: memory, addresses: { <region ref>: <address> } }`. `pointsAt` is
 * shared by switches of the same name so a test can read it.
 */
export function memoryTrafficSwitchFactory(
  pointsAt = new Map<string, string[]>(),
): TrafficSwitchFactory & { pointsAt: Map<string, string[]> } {
  return {
    driver: 'memory',
    pointsAt,
    create(name: string, config: Config): TrafficSwitch {
      const addresses = new TrafficConfig(name, config).regionMap('addresses');
      return {
        name,
        driver: 'memory',
        addressOf: regionRef => addresses.get(regionRef),
        current: async () => pointsAt.get(name) ?? [],
        switchTo: async (address, ctx) => {
          pointsAt.set(name, [address]);
          ctx.log(`${name} now points at ${address}`);
        },
      };
    },
  };
}
