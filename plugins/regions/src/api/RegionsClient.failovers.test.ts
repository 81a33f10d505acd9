import { ResponseError } from '@backstage/errors';
import { registerMswTestHooks } from '@backstage/test-utils';
import { FailoverRequest } from '@meridian/plugin-regions-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  refusedFailover,
  succeededSwitchover,
} from '../testing/failoverFixtures';
import { RegionsClient } from './RegionsClient';

const baseUrl = 'http://backstage.test:7007/api/regions';

/** How the backend's error handler answers an error. */
function backendError(status: number, name: string, message: string) {
  return HttpResponse.json(
    { error: { name, message }, response: { statusCode: status } },
    { status },
  );
}

describe('RegionsClient failovers', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new RegionsClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });

  const request: FailoverRequest = {
    region: 'region:default/studio-primary',
    target: 'region:default/studio-sul',
    mode: 'switchover',
  };

  it('lists the runs of a region by namespace and name, encoded', async () => {
    const runs = [succeededSwitchover(), refusedFailover()];
    let path: string | undefined;
    server.use(
      http.get(
        `${baseUrl}/regions/:namespace/:name/failovers`,
        ({ request: r }) => {
          path = new URL(r.url).pathname;
          return HttpResponse.json({ runs });
        },
      ),
    );

    await expect(
      client.listFailovers({ namespace: 'default', name: 'são paulo' }),
    ).resolves.toEqual({ runs });
    expect(path).toBe(
      '/api/regions/regions/default/s%C3%A3o%20paulo/failovers',
    );
  });

  it('reads one run by id', async () => {
    server.use(
      http.get(`${baseUrl}/failovers/:id`, ({ params }) =>
        params.id === 'run-switchover-1'
          ? HttpResponse.json(succeededSwitchover())
          : backendError(404, 'NotFoundError', `No failover run ${params.id}`),
      ),
    );

    await expect(client.getFailover('run-switchover-1')).resolves.toEqual(
      succeededSwitchover(),
    );
    const error = await client.getFailover('nope').catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.body.error.message).toBe('No failover run nope');
  });

  it('starts a run by posting the request as JSON', async () => {
    let received: { contentType: string | null; body: unknown } | undefined;
    server.use(
      http.post(`${baseUrl}/failovers`, async ({ request: r }) => {
        received = {
          contentType: r.headers.get('content-type'),
          body: await r.json(),
        };
        return HttpResponse.json(
          { id: 'run-42', status: 'pending' },
          { status: 202 },
        );
      }),
    );

    await expect(
      client.startFailover({ ...request, force: true }),
    ).resolves.toEqual({ id: 'run-42', status: 'pending' });
    expect(received).toEqual({
      contentType: 'application/json',
      body: { ...request, force: true },
    });
  });

  it.each([
    [
      400,
      'InputError',
      'mode must be one of drill, switchover, failover; got "promote"',
    ],
    [
      403,
      'NotAllowedError',
      'user:default/bruno may not run failovers of region:default/studio-primary',
    ],
    [
      409,
      'ConflictError',
      'run run-live is already in progress for region:default/studio-primary',
    ],
  ])(
    'rejects a refused start (%i) with the backend message',
    async (status, name, message) => {
      server.use(
        http.post(`${baseUrl}/failovers`, () =>
          backendError(status, name, message),
        ),
      );

      const error = await client.startFailover(request).catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(status);
      expect(error.body.error.message).toBe(message);
    },
  );
});
