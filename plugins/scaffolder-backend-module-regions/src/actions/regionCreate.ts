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
import { buildNetworkClaim } from './infrastructure/networkClaim';
import { assertHubReady } from './readinessGate';
import { examples } from './regionCreate.examples';
import { RegionsBackendClient, RegionsBackendOptions } from './regionsBackend';

/** Where the network claim goes, relative to catalog-info.yaml. */
const NETWORK_CLAIM_PATH = 'infrastructure/network.yaml';

/**
 * `meridian:region:create`: validates the Region fields with the catalog's own
 * validator, refuses while the hub is not ready (unless `force`), and writes
 * the entity as `catalog-info.yaml` and its network as a Crossplane claim into
 * the workspace.
 * @public
 */
export function createRegionCreateAction(options: RegionsBackendOptions) {
  return createTemplateAction({
    id: 'meridian:region:create',
    description:
      "Writes a Region entity (catalog-info.yaml) and the Crossplane claim of its network block (infrastructure/network.yaml) into the workspace, after validating both exactly as the catalog and Crossplane will. Refuses while the hub's readiness is below the threshold, unless force is set.",
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
        force: z =>
          z
            .boolean({
              description:
                "Write the region even if its hub's readiness is below the threshold",
            })
            .optional(),
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
        networkClaimPath: z =>
          z
            .string({
              description:
                'Where the Crossplane claim was written, when the region has a block',
            })
            .optional(),
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
        force,
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

      const networkClaim = buildNetworkClaim(entity);
      // resolveSafeChildPath throws for ../ and absolute paths outside the workspace
      const folder = resolveSafeChildPath(ctx.workspacePath, targetPath ?? '.');

      if (entity.spec.hub && !force) {
        const client = new RegionsBackendClient(
          options,
          await ctx.getInitiatorCredentials(),
        );
        const { hub, score, threshold } = await assertHubReady({
          client,
          hub: entity.spec.hub,
          namespace,
        });
        ctx.logger.info(`Hub ${hub} is ready: ${score} % ≥ ${threshold} %`);
      } else if (entity.spec.hub) {
        ctx.logger.warn(
          `force is set: not checking the readiness of hub ${entity.spec.hub}`,
        );
      }

      const file = path.join(folder, 'catalog-info.yaml');
      await fs.mkdir(folder, { recursive: true });
      await fs.writeFile(file, yaml.stringify(entity), 'utf8');
      const entityRef = `region:${namespace ?? 'default'}/${name}`;
      ctx.logger.info(
        `Wrote ${entityRef} to ${path.relative(ctx.workspacePath, file)}`,
      );
      ctx.output('entityRef', entityRef);
      ctx.output('catalogInfoPath', path.relative(ctx.workspacePath, file));

      if (networkClaim) {
        const claimFile = path.join(folder, NETWORK_CLAIM_PATH);
        await fs.mkdir(path.dirname(claimFile), { recursive: true });
        await fs.writeFile(claimFile, yaml.stringify(networkClaim), 'utf8');
        const claimPath = path.relative(ctx.workspacePath, claimFile);
        ctx.logger.info(
          `Wrote the ${networkClaim.kind} claim of ${networkClaim.spec.cidr} to ${claimPath}`,
        );
        ctx.output('networkClaimPath', claimPath);
      }
    },
  });
}
