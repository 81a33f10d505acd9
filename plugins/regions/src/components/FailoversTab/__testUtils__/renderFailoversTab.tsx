import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { renderInTestApp, TestApiPair } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RegionsApi, regionsApiRef } from '../../../api';
import { FailoversTab } from '../FailoversTab';
import {
  fakeRegionsApi,
  mountedRoutes,
  studioPrimary,
} from '../../../testing/fixtures';

/** The Failovers tab of `entity`, with `regionsApi` and any other API the test gives. */
export function renderFailoversTab(
  options: {
    entity?: Entity;
    regionsApi?: RegionsApi;
    initialRouteEntries?: string[];
    apis?: TestApiPair<unknown>[];
  } = {},
) {
  const {
    entity = studioPrimary,
    regionsApi = fakeRegionsApi(),
    initialRouteEntries,
    apis = [],
  } = options;
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <FailoversTab />
    </EntityProvider>,
    {
      mountedRoutes,
      apis: [[regionsApiRef, regionsApi], ...apis],
      initialRouteEntries,
    },
  );
}

/** How the regions backend's error handler answers, as the client reads it. */
export async function backendError(
  status: number,
  name: string,
  message: string,
) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

/** The summary row of a run in the runs table. */
export function rowOf(runId: string) {
  const toggle = screen.getByRole('button', {
    name: new RegExp(`steps of run ${runId}$`),
  });
  return within(toggle.closest('tr')!);
}

/** Expands a run and answers its detail. */
export async function expand(runId: string) {
  await userEvent.click(
    screen.getByRole('button', { name: `Show steps of run ${runId}` }),
  );
  return within(await screen.findByRole('region', { name: `Run ${runId}` }));
}
