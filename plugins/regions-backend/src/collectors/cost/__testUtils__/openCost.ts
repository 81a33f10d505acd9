import { http, HttpResponse } from 'msw';
import {
  allocationSets,
  FakeOpenCost,
  RFC3339_PAIR,
} from '../../../testing/openCostLab';

/**
 * An OpenCost `/allocation` endpoint for msw, answering as OpenCost does:
 * the `{code, status, data}` envelope, one set per `step=1d` day keyed by
 * cluster, one merged `__idle__` entry per set with `includeIdle=true`,
 * every field of `AllocationJSON` rounded to 5 decimals, and a plain-text
 * 400 for a window it cannot parse.
 */

export type { ClusterDayFields } from '../../../testing/openCostLab';

/**
 * The msw handler of one OpenCost instance at `baseUrl`; `requests` collects
 * the query of every request it answers.
 */
export function openCostHandler(
  baseUrl: string,
  fake: FakeOpenCost,
  requests: URLSearchParams[] = [],
) {
  return http.get(`${baseUrl}/allocation`, ({ request }) => {
    const params = new URL(request.url).searchParams;
    requests.push(params);
    const window = params.get('window') ?? '';
    const match = RFC3339_PAIR.exec(window);
    if (!match) {
      return new HttpResponse(
        `Invalid 'window' parameter: invalid window: ${window}`,
        { status: 400, headers: { 'content-type': 'text/plain' } },
      );
    }
    if (params.get('aggregate') !== 'cluster' || params.get('step') !== '1d') {
      return new HttpResponse('unexpected aggregate or step', { status: 400 });
    }
    return HttpResponse.json({
      code: 200,
      status: 'success',
      data: allocationSets(
        fake,
        new Date(match[1]),
        new Date(match[2]),
        params.get('includeIdle') === 'true',
      ),
    });
  });
}
