import { REGION_API_VERSION, REGION_KIND } from './constants';
import { RegionEntity, RegionSpec } from './RegionEntity';

/**
 * The fields of a Region as a provisioning form or the
 * `meridian:region:create` action takes them: the entity's name, title,
 * description and namespace next to its spec fields.
 * @public
 */
export type RegionEntityInput = {
  name: string;
  title?: string;
  description?: string;
  namespace?: string;
} & Omit<RegionSpec, 'lifecycle'> & {
    lifecycle?: RegionSpec['lifecycle'];
  };

/** Template forms send '' for fields left blank, `{}` and `[]` for groups left empty. */
function isBlank(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    (typeof value === 'object' && Object.keys(value as object).length === 0)
  );
}

function withoutBlanks(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(withoutBlanks);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .map(([key, child]) => [key, withoutBlanks(child)] as const)
        .filter(([, child]) => !isBlank(child)),
    );
  }
  return value;
}

/**
 * The Region entity a provisioning run writes, with lifecycle `provisioning`
 * unless given. Blank fields are left out; nothing is validated here, so the
 * scaffolder action and the form's preview can both show what
 * `validateRegionEntity` says about the same entity.
 * @public
 */
export function buildRegionEntity(input: RegionEntityInput): RegionEntity {
  const {
    name,
    title,
    description,
    namespace,
    type,
    lifecycle,
    owner,
    ...optional
  } = input;
  const spec = {
    type,
    lifecycle: lifecycle || 'provisioning',
    owner,
    ...(withoutBlanks(optional) as Partial<RegionSpec>),
  };
  return {
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
}
