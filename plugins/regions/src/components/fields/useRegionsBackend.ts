import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import useAsync from 'react-use/esm/useAsync';

/**
 * Reads a JSON route of the regions backend; `undefined` for a 404, so a
 * field can tell "not there" from a failure.
 */
export function useRegionsBackendJson<T>(paths: string[]) {
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  return useAsync(async () => {
    const baseUrl = await discoveryApi.getBaseUrl('regions');
    return Promise.all(
      paths.map(async path => {
        const response = await fetchApi.fetch(`${baseUrl}${path}`);
        if (response.status === 404) {
          return undefined;
        }
        if (!response.ok) {
          throw await ResponseError.fromResponse(response);
        }
        return (await response.json()) as T;
      }),
    );
  }, [paths.join('|')]);
}
