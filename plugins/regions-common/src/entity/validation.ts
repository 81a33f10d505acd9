import Ajv, { ErrorObject } from 'ajv';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { parseCidr } from '../cidr/cidr';
import { REGION_KIND, STANDBY_ROLES } from './constants';
import { RegionEntity, RegionSpec } from './RegionEntity';
import regionSchema from './Region.v1alpha1.schema.json';

/** One reason a Region entity is invalid. @public */
export interface RegionValidationProblem {
  /** Dotted path of the offending field, e.g. `spec.network.cidr`. */
  field: string;
  /** The offending value as written (undefined for a missing field). */
  value: unknown;
  /** A sentence naming the field and the value. */
  message: string;
}

/** The JSON schema of the Region kind, for the catalog and for scaffolder forms. @public */
export const regionEntityV1alpha1Schema = regionSchema;

const validateSchema = new Ajv({ allErrors: true, strict: false }).compile(
  regionSchema,
);

function valueAt(root: unknown, path: string[]): unknown {
  return path.reduce<any>(
    (node, key) =>
      node === undefined || node === null ? undefined : node[key],
    root,
  );
}

function show(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

const PATTERN_HINTS: Record<string, string> = {
  'spec.location.country': 'must be an ISO 3166-1 alpha-2 code like BR',
  'spec.budget.currency': 'must be an ISO 4217 code like USD',
};

function schemaProblem(
  entity: unknown,
  error: ErrorObject,
): RegionValidationProblem {
  const path = error.instancePath.split('/').slice(1);
  if (error.keyword === 'required') {
    path.push(String(error.params.missingProperty));
  }
  if (error.keyword === 'additionalProperties') {
    path.push(String(error.params.additionalProperty));
  }
  const field = path.join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]');
  const value = valueAt(entity, path);
  let reason: string;
  switch (error.keyword) {
    case 'required':
      reason = 'is required';
      break;
    case 'additionalProperties':
      reason = 'is not a Region field';
      break;
    case 'enum':
      reason = `must be one of ${(error.params.allowedValues as unknown[]).join(
        ', ',
      )}`;
      break;
    case 'minimum':
    case 'maximum':
      reason = `must be ${error.keyword === 'minimum' ? '≥' : '≤'} ${
        error.params.limit
      }`;
      break;
    case 'pattern':
      reason = PATTERN_HINTS[field] ?? `must match ${error.params.pattern}`;
      break;
    default:
      reason = error.message ?? 'is invalid';
  }
  const shown = error.keyword === 'required' ? '' : ` ${show(value)}`;
  return { field, value, message: `${field}${shown} ${reason}` };
}

function refProblem(
  field: string,
  value: string,
  namespace: string,
): RegionValidationProblem | undefined {
  try {
    const ref = parseEntityRef(value, {
      defaultKind: REGION_KIND,
      defaultNamespace: namespace,
    });
    if (ref.kind.toLocaleLowerCase('en-US') !== 'region') {
      return {
        field,
        value,
        message: `${field} "${value}" must refer to a Region, not a ${ref.kind}`,
      };
    }
    return undefined;
  } catch (e) {
    return {
      field,
      value,
      message: `${field} "${value}" is not an entity reference: ${
        (e as Error).message
      }`,
    };
  }
}

/**
 * Validates a Region entity: the JSON schema, then what a schema cannot say
 * (canonical CIDR, standbys name a source, refs point at regions). Returns
 * every problem; an empty list means valid.
 * @public
 */
export function validateRegionEntity(
  entity: Entity,
): RegionValidationProblem[] {
  const problems: RegionValidationProblem[] = validateSchema(entity)
    ? []
    : (validateSchema.errors ?? []).map(e => schemaProblem(entity, e));
  const add = (p?: RegionValidationProblem) => p && problems.push(p);
  // The checks below run on whatever parts are well-typed, so one pass reports every problem.
  const spec = ((entity as RegionEntity).spec ?? {}) as Partial<RegionSpec>;
  const namespace = entity.metadata?.namespace ?? 'default';
  const isText = (value: unknown): value is string =>
    typeof value === 'string' && value.length > 0;

  if (isText(spec.network?.cidr)) {
    try {
      parseCidr(spec.network.cidr);
    } catch (e) {
      add({
        field: 'spec.network.cidr',
        value: spec.network.cidr,
        message: `spec.network.cidr ${(e as Error).message}`,
      });
    }
  }
  if (isText(spec.hub)) add(refProblem('spec.hub', spec.hub, namespace));
  if (Array.isArray(spec.links)) {
    spec.links.forEach((link, i) => {
      if (isText(link?.to)) {
        add(refProblem(`spec.links[${i}].to`, link.to, namespace));
      }
    });
  }
  const replication = spec.replication;
  if (isText(replication?.source)) {
    add(refProblem('spec.replication.source', replication.source, namespace));
  }
  if (
    replication?.role &&
    (STANDBY_ROLES as readonly string[]).includes(replication.role) &&
    !replication.source
  ) {
    add({
      field: 'spec.replication.source',
      value: undefined,
      message: `spec.replication.source is required when spec.replication.role is "${replication.role}"`,
    });
  }
  return problems;
}

/**
 * Throws a TypeError listing every problem when the entity is not a valid Region.
 * @public
 */
export function assertValidRegionEntity(
  entity: Entity,
): asserts entity is RegionEntity {
  const problems = validateRegionEntity(entity);
  if (problems.length > 0) {
    const name = entity.metadata?.name ?? '<unnamed>';
    throw new TypeError(
      `Invalid Region "${name}": ${problems.map(p => p.message).join('; ')}`,
    );
  }
}
