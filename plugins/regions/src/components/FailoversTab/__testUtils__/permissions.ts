import { mockApis, TestApiPair } from '@backstage/frontend-test-utils';
import { regionsFailoverRunPermission } from '@meridian/plugin-regions-common';

/**
 * `AuthorizeResult` of `@backstage/plugin-permission-common`, which this
 * plugin does not depend on, as the mock permission API's options type it.
 */
type Decision = Exclude<
  NonNullable<Parameters<typeof mockApis.permission>[0]>['authorize'],
  Function | undefined
>;

/**
 * A permission API that denies `regions.failover.run` on the regions given and
 * allows everything else; `requests` records what was asked.
 */
export function denyFailoversOf(regionRefs: string[]): {
  api: TestApiPair<unknown>;
  requests: Array<{ permission: string; resourceRef?: string }>;
} {
  const requests: Array<{ permission: string; resourceRef?: string }> = [];
  const api = mockApis.permission({
    authorize: request => {
      const { resourceRef } = request;
      requests.push({ permission: request.permission.name, resourceRef });
      const denied =
        request.permission.name === regionsFailoverRunPermission.name &&
        resourceRef !== undefined &&
        regionRefs.includes(resourceRef);
      return (denied ? 'DENY' : 'ALLOW') as Decision;
    },
  });
  return { api, requests };
}
