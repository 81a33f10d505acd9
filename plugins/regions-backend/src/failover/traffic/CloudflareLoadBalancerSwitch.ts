import {
  FailoverStepContext,
  TrafficSwitch,
} from '@meridian/plugin-regions-node';
import { CloudflareApi } from './CloudflareApi';
import { weightsProblem } from './common';

interface LoadBalancer {
  id: string;
  name: string;
  default_pools: string[];
  fallback_pool: string;
  steering_policy?: string;
  random_steering?: {
    default_weight?: number;
    pool_weights?: Record<string, number>;
  } | null;
}

/**
 * Points a Cloudflare load balancer at the active region's pool (config
 * `loadBalancer: { id, poolIds: { <region ref>: <pool id> } }`; a region's
 * address is its pool id). `switchTo` makes that pool the only default pool
 * and the fallback pool, with steering `off` so that no geo or random
 * steering sends traffic elsewhere. `weigh` splits traffic between pools with
 * random steering and pool weights, for a canary.
 */
export class CloudflareLoadBalancerSwitch implements TrafficSwitch {
  readonly driver = 'cloudflare';

  constructor(
    readonly name: string,
    private readonly api: CloudflareApi,
    private readonly loadBalancerId: string,
    private readonly poolIds: Map<string, string>,
  ) {}

  addressOf(regionRef: string): string | undefined {
    return this.poolIds.get(regionRef);
  }

  async current(ctx: FailoverStepContext): Promise<string[]> {
    const lb = await this.read(ctx);
    if (lb.steering_policy === 'random') {
      return this.weightsOf(lb)
        .filter(w => w.percent > 0)
        .map(w => w.address);
    }
    return lb.default_pools;
  }

  async switchTo(pool: string, ctx: FailoverStepContext): Promise<void> {
    this.checkPools([pool]);
    ctx.log(
      `${this.describe()}: setting the default and fallback pool of load balancer ${
        this.loadBalancerId
      } to ${pool}`,
    );
    const lb = await this.patch(ctx, {
      default_pools: [pool],
      fallback_pool: pool,
      steering_policy: 'off',
    });
    ctx.log(
      `${this.describe()}: load balancer ${
        lb.name
      } now sends traffic to pool ${lb.default_pools.join(', ')}`,
    );
  }

  async weigh(
    weights: { address: string; percent: number }[],
    ctx: FailoverStepContext,
  ): Promise<void> {
    const problem = weightsProblem(weights);
    if (problem) {
      throw new Error(`${this.describe()}: cannot weigh: ${problem}`);
    }
    this.checkPools(weights.map(w => w.address));
    const heaviest = [...weights].sort((a, b) => b.percent - a.percent)[0];
    ctx.log(
      `${this.describe()}: random steering on load balancer ${
        this.loadBalancerId
      }: ${weights.map(w => `${w.address} ${w.percent} %`).join(', ')}`,
    );
    await this.patch(ctx, {
      default_pools: weights.map(w => w.address),
      fallback_pool: heaviest.address,
      steering_policy: 'random',
      random_steering: {
        default_weight: 0,
        pool_weights: Object.fromEntries(
          weights.map(w => [w.address, w.percent / 100]),
        ),
      },
    });
  }

  async currentWeights(
    ctx: FailoverStepContext,
  ): Promise<{ address: string; percent: number }[]> {
    return this.weightsOf(await this.read(ctx));
  }

  /**
   * Each default pool's share: by its random-steering weight, or, without
   * random steering, all to the first pool (the others are its failover order).
   */
  private weightsOf(lb: LoadBalancer): { address: string; percent: number }[] {
    if (lb.steering_policy !== 'random') {
      return lb.default_pools.map((address, index) => ({
        address,
        percent: index === 0 ? 100 : 0,
      }));
    }
    const weightOf = (pool: string) =>
      lb.random_steering?.pool_weights?.[pool] ??
      lb.random_steering?.default_weight ??
      1;
    const total = lb.default_pools.reduce(
      (sum, pool) => sum + weightOf(pool),
      0,
    );
    return lb.default_pools.map(address => ({
      address,
      percent: total ? Math.round((weightOf(address) * 100) / total) : 0,
    }));
  }

  private checkPools(pools: string[]) {
    const known = [...this.poolIds.values()];
    const unknown = pools.find(pool => !known.includes(pool));
    if (unknown !== undefined) {
      throw new Error(
        `${this.describe()}: cannot switch to pool "${unknown}": it is none of regions.traffic.${
          this.name
        }.loadBalancer.poolIds (${known.join(', ')})`,
      );
    }
  }

  private read(ctx: FailoverStepContext) {
    return this.api.request<LoadBalancer>(ctx, 'GET', this.path());
  }

  private patch(ctx: FailoverStepContext, body: object) {
    return this.api.request<LoadBalancer>(ctx, 'PATCH', this.path(), body);
  }

  private path(): string {
    return `/load_balancers/${encodeURIComponent(this.loadBalancerId)}`;
  }

  private describe(): string {
    return this.api.describe();
  }
}
