import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  RegionEntity,
  validateRegionEntity,
} from '@meridian/plugin-regions-common';
import fs from 'node:fs/promises';
import yaml from 'yaml';
import { RegionsBackendClient, RegionsBackendOptions } from './regionsBackend';

/**
 * `meridian:region:register`: lands a Region entity written into the
 * workspace in the running portal without a git host. The regions backend
 * stores it and the catalog module's provider serves it to the catalog.
 * @public
 */
export function createRegionRegisterAction(options: RegionsBackendOptions) {
  return createTemplateAction({
    id: 'meridian:region:register',
    description:
      "Registers the Region entity of the workspace's catalog-info.yaml with the running portal without a git host: the regions backend keeps it and the catalog module serves it.",
    supportsDryRun: true,
    examples: [
      {
        description: 'Land the region that meridian:region:create wrote',
        example: yaml.stringify({
          steps: [
            {
              id: 'register',
              action: 'meridian:region:register',
              name: 'Register the region',
              input: {
                catalogInfoPath:
                  "${{ steps['region'].output.catalogInfoPath }}",
              },
            },
          ],
        }),
      },
    ],
    schema: {
      input: {
        catalogInfoPath: z =>
          z
            .string({
              description:
                'Path of the entity file inside the workspace; default catalog-info.yaml',
            })
            .optional(),
      },
      output: {
        entityRef: z => z.string(),
      },
    },
    async handler(ctx) {
      const relative = ctx.input.catalogInfoPath ?? 'catalog-info.yaml';
      const file = resolveSafeChildPath(ctx.workspacePath, relative);
      let entity: RegionEntity;
      try {
        entity = yaml.parse(await fs.readFile(file, 'utf8'));
      } catch (error) {
        throw new InputError(
          `catalogInfoPath "${relative}" could not be read as YAML: ${
            (error as Error).message
          }`,
        );
      }
      const problems = validateRegionEntity(entity ?? {});
      if (problems.length > 0) {
        throw new InputError(
          `catalogInfoPath "${relative}" is not a valid Region: ${problems
            .map(p => p.message)
            .join('; ')}`,
        );
      }
      const entityRef = stringifyEntityRef(entity);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would register ${entityRef}`);
      } else {
        const client = new RegionsBackendClient(
          options,
          await ctx.getInitiatorCredentials(),
        );
        await ctx.checkpoint({
          key: `meridian-region-register-${entityRef}`,
          fn: () => client.land(entity),
        });
        ctx.logger.info(
          `Registered ${entityRef}; the catalog shows it after its next refresh`,
        );
      }
      ctx.output('entityRef', entityRef);
    },
  });
}
