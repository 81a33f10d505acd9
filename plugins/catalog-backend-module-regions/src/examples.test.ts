import fs from 'node:fs';
import path from 'node:path';
import {
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  Entity,
  groupEntityV1alpha1Validator,
  parseEntityRef,
  resourceEntityV1alpha1Validator,
  stringifyEntityRef,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import {
  CatalogProcessorResult,
  EntityRelationSpec,
  parseEntityYaml,
} from '@backstage/plugin-catalog-node';
import {
  cidrsOverlap,
  isRegionEntity,
  normalizeRegionRef,
  parseCidr,
  RegionEntity,
  SOURCE_ROLES,
} from '@meridian/plugin-regions-common';
import { RegionEntitiesProcessor } from './processor/RegionEntitiesProcessor';

const examplesDir = path.resolve(__dirname, '../../../examples');
// The template's skeleton holds ${{ }} placeholders for the scaffolder, not catalog data.
const skeletonDir = path.join(examplesDir, 'template', 'content');

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return file === skeletonDir ? [] : yamlFiles(file);
    }
    return /\.ya?ml$/.test(entry.name) ? [file] : [];
  });
}

// Parsed the way the catalog reads a file location.
function loadExamples() {
  const entities: Entity[] = [];
  const errors: string[] = [];
  for (const file of yamlFiles(examplesDir)) {
    const location = { type: 'file', target: file };
    for (const result of parseEntityYaml(fs.readFileSync(file), location)) {
      if (result.type === 'entity') {
        entities.push(result.entity);
      } else if (result.type === 'error') {
        errors.push(`${file}: ${result.error.message}`);
      }
    }
  }
  return { entities, errors };
}

const { entities, errors: parseErrors } = loadExamples();
const refs = new Set(entities.map(e => stringifyEntityRef(e)));
const regions = entities.filter(isRegionEntity);
const regionByRef = new Map(regions.map(r => [stringifyEntityRef(r), r]));

describe('the example entities', () => {
  const processor = new RegionEntitiesProcessor();
  const relations: EntityRelationSpec[] = [];
  const processingErrors: string[] = [];

  beforeAll(async () => {
    for (const entity of entities) {
      await processor.postProcessEntity(
        entity,
        { type: 'file', target: 'examples' },
        (result: CatalogProcessorResult) => {
          if (result.type === 'relation') {
            relations.push(result.relation);
          } else if (result.type === 'error') {
            processingErrors.push(result.error.message);
          }
        },
      );
    }
  });

  it('parse as catalog entities and include the three topologies', () => {
    expect(parseErrors).toEqual([]);
    expect(regions.map(r => r.metadata.name).sort()).toEqual([
      'ap-southeast-1',
      'eu-west-1',
      'sa-east-1',
      'studio-co',
      'studio-iot',
      'studio-n',
      'studio-ne',
      'studio-pi',
      'studio-primary',
      'studio-rj',
      'studio-sul',
      'us-east',
      'us-east-1',
      'us-west',
    ]);
  });

  it.each(regions.map(r => [r.metadata.name, r]))(
    '%s is a valid Region',
    async (_name, region) => {
      await expect(processor.validateEntityKind(region)).resolves.toBe(true);
    },
  );

  it('are valid entities of the built-in kinds', async () => {
    const validators = [
      apiEntityV1alpha1Validator,
      componentEntityV1alpha1Validator,
      groupEntityV1alpha1Validator,
      resourceEntityV1alpha1Validator,
      systemEntityV1alpha1Validator,
      userEntityV1alpha1Validator,
    ];
    const builtIn = entities.filter(
      e => e.apiVersion === 'backstage.io/v1alpha1',
    );
    expect(builtIn.length).toBeGreaterThan(0);
    for (const entity of builtIn) {
      const checks = await Promise.all(validators.map(v => v.check(entity)));
      expect([stringifyEntityRef(entity), checks.some(Boolean)]).toEqual([
        stringifyEntityRef(entity),
        true,
      ]);
    }
  });

  it('emit relations only to entities the examples define', () => {
    expect(processingErrors).toEqual([]);
    const dangling = relations
      .filter(r => !refs.has(stringifyEntityRef(r.target)))
      .map(r => `${r.type} ${stringifyEntityRef(r.target)}`);
    expect(dangling).toEqual([]);
    expect(new Set(relations.map(r => r.type))).toEqual(
      new Set([
        'ownedBy',
        'ownerOf',
        'spokeOf',
        'hubOf',
        'replicaOf',
        'hasReplica',
        'deployedIn',
        'hosts',
      ]),
    );
  });

  it('declare links only to example regions', () => {
    const links = regions.flatMap(r =>
      (r.spec.links ?? []).map(link => normalizeRegionRef(link.to)),
    );
    expect(links.filter(to => !regionByRef.has(to))).toEqual([]);
  });

  it('have every region host at least one component, resource or system', () => {
    const hosting = new Set(
      relations
        .filter(r => r.type === 'hosts')
        .map(r => stringifyEntityRef(r.source)),
    );
    expect([...regionByRef.keys()].filter(ref => !hosting.has(ref))).toEqual(
      [],
    );
  });

  it('have hub chains that climb to a global hub without a cycle', () => {
    for (const region of regions) {
      const chain = [stringifyEntityRef(region)];
      let current: RegionEntity | undefined = region;
      while (current?.spec.hub) {
        const hubRef = normalizeRegionRef(current.spec.hub);
        expect(chain).not.toContain(hubRef);
        chain.push(hubRef);
        current = regionByRef.get(hubRef);
      }
      expect([chain.join(' → '), current?.spec.type]).toEqual([
        chain.join(' → '),
        'global-hub',
      ]);
    }
  });

  it('have standbys replicate from a primary or active region', () => {
    for (const region of regions.filter(r => r.spec.replication?.source)) {
      const source = regionByRef.get(
        normalizeRegionRef(region.spec.replication!.source!),
      )!;
      expect(SOURCE_ROLES).toContain(source.spec.replication?.role);
    }
  });

  it('give every region its own network block', () => {
    const blocks = regions.map(r => ({
      name: r.metadata.name,
      cidr: parseCidr(r.spec.network!.cidr!),
    }));
    const overlaps = blocks.flatMap((a, i) =>
      blocks
        .slice(i + 1)
        .filter(b => cidrsOverlap(a.cidr, b.cidr))
        .map(b => `${a.name} ${a.cidr.cidr} overlaps ${b.name} ${b.cidr.cidr}`),
    );
    expect(overlaps).toEqual([]);
  });

  it('let the guest user act for every group that owns a region', () => {
    const guest = entities.find(
      e => e.kind === 'User' && e.metadata.name === 'guest',
    )!;
    const owners = new Set(
      relations
        .filter(r => r.type === 'ownedBy' && r.source.kind === 'Region')
        .map(r => stringifyEntityRef(r.target)),
    );
    const guestGroups = (guest.spec!.memberOf as string[]).map(
      group => `group:default/${group}`,
    );
    expect([...owners].filter(owner => !guestGroups.includes(owner))).toEqual(
      [],
    );
  });

  it('place every component and resource in an example system', () => {
    const deployables = entities.filter(
      e => e.kind === 'Component' || e.kind === 'Resource',
    );
    for (const entity of deployables) {
      expect(refs).toContain(`system:default/${entity.spec!.system}`);
      expect(refs).toContain(
        stringifyEntityRef(
          parseEntityRef(entity.spec!.owner as string, {
            defaultKind: 'Group',
          }),
        ),
      );
    }
  });
});
