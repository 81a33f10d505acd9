import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  REGION_API_VERSION,
  REGION_KIND,
  REGION_LIFECYCLES,
  REGION_TYPES,
  REPLICATION_MODES,
  REPLICATION_ROLES,
  RegionEntity,
  validateRegionEntity,
} from '@meridian/plugin-regions-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'yaml';
import { examples } from './regionCreate.examples';

/**
 * `meridian:region:create`: validates the Region fields with the catalog's own
 * validator and writes the entity as `catalog-info.yaml` into the workspace.
 * @public
 */
export function createRegionCreateAction() {
  return createTemplateAction({
    id: 'meridian:region:create',
    description:
      'Writes a Region entity (catalog-info.yaml) into the workspace after validating it exactly as the catalog will.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z.string({
            description: 'metadata.name of the region, e.g. studio-sul',
          }),
        title: z => z.string({ description: 'Human title' }).optional(),
        description: z => z.string().optional(),
        namespace: z => z.string().optional(),
        type: z => z.enum(REGION_TYPES, { description: 'Tier of the region' }),
        lifecycle: z =>
          z
            .enum(REGION_LIFECYCLES, {
              description:
                'Defaults to provisioning for a region being created',
            })
            .optional(),
        owner: z => z.string({ description: 'Entity ref of the owner' }),
        provider: z => z.string().optional(),
        location: z =>
          z
            .object({
              city: z.string().optional(),
              country: z.string().optional(),
              latitude: z.number().optional(),
              longitude: z.number().optional(),
            })
            .optional(),
        hub: z => z.string({ description: 'Ref of the hub region' }).optional(),
        network: z =>
          z
            .object({
              cidr: z.string().optional(),
              pool: z.string().optional(),
            })
            .optional(),
        links: z =>
          z
            .array(
              z.object({
                to: z.string(),
                latencyTargetMs: z.number().optional(),
                transport: z.string().optional(),
              }),
            )
            .optional(),
        userLatencyTargetMs: z => z.number().optional(),
        residency: z => z.array(z.string()).optional(),
        availabilityTarget: z => z.number().optional(),
        replication: z =>
          z
            .object({
              role: z.enum(REPLICATION_ROLES).optional(),
              mode: z.enum(REPLICATION_MODES).optional(),
              source: z.string().optional(),
              rpoSeconds: z.number().optional(),
              rtoSeconds: z.number().optional(),
            })
            .optional(),
        budget: z =>
          z
            .object({
              monthly: z.number().optional(),
              currency: z.string().optional(),
            })
            .optional(),
        capabilities: z => z.array(z.string()).optional(),
        targetPath: z =>
          z
            .string({
              description:
                'Folder inside the workspace to write catalog-info.yaml to',
            })
            .optional(),
      },
      output: {
        entityRef: z => z.string(),
        catalogInfoPath: z => z.string(),
      },
    },
    async handler(ctx) {
      const {
        name,
        title,
        description,
        namespace,
        targetPath,
        type,
        lifecycle,
        owner,
        ...optional
      } = ctx.input;
      const spec = {
        type,
        lifecycle: lifecycle ?? 'provisioning',
        owner,
        // template forms send '' for fields left blank
        ...Object.fromEntries(
          Object.entries(optional).filter(
            ([, value]) => value !== undefined && value !== '',
          ),
        ),
      };
      const entity = {
        apiVersion: REGION_API_VERSION,
        kind: REGION_KIND,
        metadata: {
          name,
          ...(namespace ? { namespace } : {}),
          ...(title ? { title } : {}),
          ...(description ? { description } : {}),
        },
        spec,
      } as RegionEntity;

      const problems = validateRegionEntity(entity);
      if (problems.length > 0) {
        throw new InputError(
          `The region is not valid: ${problems.map(p => p.message).join('; ')}`,
        );
      }

      // resolveSafeChildPath throws for ../ and absolute paths outside the workspace
      const folder = resolveSafeChildPath(ctx.workspacePath, targetPath ?? '.');
      const file = path.join(folder, 'catalog-info.yaml');
      await fs.mkdir(folder, { recursive: true });
      await fs.writeFile(file, yaml.stringify(entity), 'utf8');

      const entityRef = `region:${namespace ?? 'default'}/${name}`;
      ctx.logger.info(
        `Wrote ${entityRef} to ${path.relative(ctx.workspacePath, file)}`,
      );
      ctx.output('entityRef', entityRef);
      ctx.output('catalogInfoPath', path.relative(ctx.workspacePath, file));
    },
  });
}
