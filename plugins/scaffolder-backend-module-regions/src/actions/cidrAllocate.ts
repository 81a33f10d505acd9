import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { normalizeRegionRef } from '@meridian/plugin-regions-common';
import { examples } from './cidrAllocate.examples';
import { assertHubReady } from './readinessGate';
import { RegionsBackendClient, RegionsBackendOptions } from './regionsBackend';

/**
 * `meridian:cidr:allocate`: asks the regions backend, which owns the
 * allocations, for the region's block of a pool.
 * @public
 */
export function createCidrAllocateAction(options: RegionsBackendOptions) {
  return createTemplateAction({
    id: 'meridian:cidr:allocate',
    description:
      "Allocates the region's network block from a CIDR pool of regions.pools: the next free block, never overlapping a Region entity's or an earlier allocation; the same block again for the same region. Given a hub, first refuses when the hub is not ready.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        pool: z => z.string({ description: 'Name of a pool of regions.pools' }),
        region: z =>
          z.string({
            description: 'Ref of the region, e.g. region:default/studio-s2',
          }),
        hub: z =>
          z
            .string({
              description:
                "Ref of the region's hub; its readiness must reach the threshold before anything is allocated",
            })
            .optional(),
        force: z =>
          z
            .boolean({ description: 'Allocate even if the hub is not ready' })
            .optional(),
      },
      output: {
        cidr: z => z.string({ description: 'The allocated block' }),
      },
    },
    async handler(ctx) {
      const { pool, hub, force } = ctx.input;
      const region = normalizeRegionRef(ctx.input.region);
      const client = new RegionsBackendClient(
        options,
        await ctx.getInitiatorCredentials(),
      );
      if (hub && !force) {
        const { score, threshold } = await assertHubReady({ client, hub });
        ctx.logger.info(
          `Hub ${normalizeRegionRef(
            hub,
          )} is ready: ${score} % ≥ ${threshold} %`,
        );
      }

      if (ctx.isDryRun) {
        // a dry run changes nothing: it previews the block instead
        const found = (await client.pools()).pools.find(p => p.name === pool);
        if (!found) {
          throw new NotFoundError(
            `pool "${pool}" is not configured under regions.pools`,
          );
        }
        if (!found.nextFree) {
          throw new ConflictError(`pool "${pool}" is exhausted`);
        }
        ctx.logger.info(
          `Dry run: ${region} would get ${found.nextFree} from pool "${pool}"`,
        );
        ctx.output('cidr', found.nextFree);
        return;
      }

      const allocation = await ctx.checkpoint({
        key: `meridian-cidr-allocate-${pool}-${region}`,
        fn: async () => {
          const { cidr, created } = await client.allocate(pool, region);
          return { cidr, created };
        },
      });
      ctx.logger.info(
        allocation.created
          ? `Allocated ${allocation.cidr} from pool "${pool}" to ${region}`
          : `${region} already holds ${allocation.cidr} from pool "${pool}"`,
      );
      ctx.output('cidr', allocation.cidr);
    },
  });
}
