import { makeValidator, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { REGION_KIND } from '@meridian/plugin-regions-common';

const validator = makeValidator();

/**
 * The canonical ref of the region a route's `:namespace/:name` names.
 * Throws InputError (400) for a malformed namespace or name.
 */
export function regionRefOfPath(params: {
  namespace: string;
  name: string;
}): string {
  const { namespace, name } = params;
  if (!validator.isValidNamespace(namespace)) {
    throw new InputError(`"${namespace}" is not a valid namespace`);
  }
  if (!validator.isValidEntityName(name)) {
    throw new InputError(`"${name}" is not a valid region name`);
  }
  return stringifyEntityRef({ kind: REGION_KIND, namespace, name });
}
