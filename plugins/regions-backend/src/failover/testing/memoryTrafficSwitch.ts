import { Config } from '@backstage/config';
import {
  TrafficSwitch,
  TrafficSwitchFactory,
} from '@meridian/plugin-regions-node';
import { TrafficConfig } from '../traffic/common';

/**
 * A traffic switch that keeps what it points at in memory, for tests:
 * `{ driver: memory, addresses: { <region ref>: <address> }, weighted? }`.
 * `pointsAt` is shared by switches of the same name so a test can read it;
 * a weighted one also keeps every split it was given, in order.
 */
export function memoryTrafficSwitchFactory(
  pointsAt = new Map<string, string[]>(),
): TrafficSwitchFactory & {
  pointsAt: Map<string, string[]>;
  splits: Map<string, Weights[]>;
} {
  const splits = new Map<string, Weights[]>();
  return {
    driver: 'memory',
    pointsAt,
    splits,
    create(name: string, config: Config): TrafficSwitch {
      const addresses = new TrafficConfig(name, config).regionMap('addresses');
      let weights: Weights = [];
      const sw: TrafficSwitch = {
        name,
        driver: 'memory',
        addressOf: regionRef => addresses.get(regionRef),
        current: async () => pointsAt.get(name) ?? [],
        switchTo: async (address, ctx) => {
          pointsAt.set(name, [address]);
          weights = [{ address, percent: 100 }];
          ctx.log(`${name} now points at ${address}`);
        },
      };
      if (!config.getOptionalBoolean('weighted')) {
        return sw;
      }
      return {
        ...sw,
        weigh: async given => {
          weights = given;
          pointsAt.set(
            name,
            given.filter(w => w.percent > 0).map(w => w.address),
          );
          splits.set(name, [...(splits.get(name) ?? []), given]);
        },
        currentWeights: async () => weights,
      };
    },
  };
}

type Weights = { address: string; percent: number }[];
