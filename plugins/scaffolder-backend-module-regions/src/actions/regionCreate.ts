import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  buildRegionEntity,
  normalizeRegionRef,
  REGION_LIFECYCLES,
  REGION_TYPES,
  REPLICATION_MODES,
  REPLICATION_ROLES,
  validateRegionEntity,
} from '@meridian/plugin-regions-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'yaml';
import { buildNetworkClaim } from './infrastructure/networkClaim';
import { buildWireGuardHubPeer } from './infrastructure/wireguardPeer';
import { assertHubReady } from './readinessGate';
import { examples } from './regionCreate.examples';
import { RegionsBackendClient, RegionsBackendOptions } from './regionsBackend';

/** Where the network claim goes, relative to catalog-info.yaml. */
const NETWORK_CLAIM_PATH = 'infrastructure/network.yaml';

/** What `meridian:region:create` needs: the regions backend and the catalog (for the hub). */
export interface RegionCreateActionOptions extends RegionsBackendOptions {
  catalog: CatalogService;
}

/**
 * `meridian:region:create`: validates the Region fields with the catalog's own
 * validator, refuses while the hub is not ready (unless `force`), and writes
 * the entity as `catalog-info.yaml`, its network as a Crossplane claim and
 * its side of the WireGuard tunnel to the hub into the workspace.
 * @public
 */
export function createRegionCreateAction(options: RegionCreateActionOptions) {
  return createTemplateAction({
    id: 'meridian:region:create',
    description:
      "Writes a Region entity (catalog-info.yaml), the Crossplane claim of its network block (infrastructure/network.yaml) and the region's side of the WireGuard tunnel to its hub (infrastructure/wireguard/<region>-<hub>.conf, when the hub publishes its meridian.dev/wireguard-public-key and meridian.dev/wireguard-endpoint) into the workspace, after validating each exactly as the catalog, Crossplane and wg-quick will. Refuses while the hub's readiness is below the threshold, unless force is set.",
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
        wireguardConfigPath: z =>
          z
            .string({
              description:
                "Where the region's side of the WireGuard tunnel to its hub was written",
            })
            .optional(),
        wireguard: z =>
          z.string({
            description:
              'What became of the WireGuard tunnel to the hub: the file written, or why there is none',
          }),
        files: z =>
          z.array(z.string(), {
            description: 'Every file written, relative to the workspace',
          }),
      },
    },
    async handler(ctx) {
      const { force, targetPath, ...fields } = ctx.input;
      const entity = buildRegionEntity(fields);
      const { name, namespace } = entity.metadata;

      const problems = validateRegionEntity(entity);
      if (problems.length > 0) {
        throw new InputError(
          `The region is not valid: ${problems.map(p => p.message).join('; ')}`,
        );
      }

      const networkClaim = buildNetworkClaim(entity);
      // resolveSafeChildPath throws for ../ and absolute paths outside the workspace
      const folder = resolveSafeChildPath(ctx.workspacePath, targetPath ?? '.');

      const hubRef = entity.spec.hub
        ? normalizeRegionRef(entity.spec.hub, {
            defaultNamespace: namespace,
          })
        : undefined;
      const credentials = await ctx.getInitiatorCredentials();
      const wireguard = hubRef
        ? buildWireGuardHubPeer({
            region: entity,
            hubRef,
            hub: await options.catalog.getEntityByRef(hubRef, { credentials }),
          })
        : { skipped: 'the region has no hub' };

      if (entity.spec.hub && !force) {
        const client = new RegionsBackendClient(options, credentials);
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
      const files = [path.relative(ctx.workspacePath, file)];
      ctx.output('entityRef', entityRef);
      ctx.output('catalogInfoPath', files[0]);

      if (networkClaim) {
        const claimFile = path.join(folder, NETWORK_CLAIM_PATH);
        await fs.mkdir(path.dirname(claimFile), { recursive: true });
        await fs.writeFile(claimFile, yaml.stringify(networkClaim), 'utf8');
        const claimPath = path.relative(ctx.workspacePath, claimFile);
        ctx.logger.info(
          `Wrote the ${networkClaim.kind} claim of ${networkClaim.spec.cidr} to ${claimPath}`,
        );
        ctx.output('networkClaimPath', claimPath);
        files.push(claimPath);
      }

      if ('skipped' in wireguard) {
        const why = `No WireGuard config written: ${wireguard.skipped}`;
        ctx.logger.info(why);
        ctx.output('wireguard', why);
      } else {
        const peerFile = path.join(folder, wireguard.path);
        await fs.mkdir(path.dirname(peerFile), { recursive: true });
        // wg-quick warns about a config other users can read
        await fs.writeFile(peerFile, wireguard.content, {
          encoding: 'utf8',
          mode: 0o600,
        });
        const peerPath = path.relative(ctx.workspacePath, peerFile);
        ctx.logger.info(
          `Wrote the WireGuard tunnel to hub ${hubRef} (${wireguard.address} to ${wireguard.endpoint}) to ${peerPath}`,
        );
        ctx.output('wireguardConfigPath', peerPath);
        ctx.output(
          'wireguard',
          `Wrote ${peerPath}: ${wireguard.address} to hub ${hubRef} at ${wireguard.endpoint}`,
        );
        files.push(peerPath);
      }
      ctx.output('files', files);
    },
  });
}
