import { ResponseError } from '@backstage/errors';
import { registerMswTestHooks } from '@backstage/test-utils';
import { FailoverRequest } from '@meridian/plugin-regions-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  refusedFailover,
  succeededSwitchover,
  unfenceablePreview,
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

  it('lists the runs in progress across regions', async () => {
    const runs = [
      {
        id: 'run-1',
        region: 'region:default/studio-primary',
        target: 'region:default/studio-sul',
        mode: 'switchover',
        dryRun: false,
        status: 'running',
        createdBy: 'user:default/priya.nair',
        startedAt: '2026-09-20T12:00:00.000Z',
      },
    ];
    let status: string | null = null;
    server.use(
      http.get(`${baseUrl}/failovers`, ({ request: r }) => {
        status = new URL(r.url).searchParams.get('status');
        return HttpResponse.json({ runs });
      }),
    );

    await expect(client.listActiveFailovers()).resolves.toEqual({ runs });
    expect(status).toBe('active');
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

  it("sends the operator's account of the fenced primary with an emergency failover", async () => {
    let body: unknown;
    server.use(
      http.post(`${baseUrl}/failovers`, async ({ request: r }) => {
        body = await r.json();
        return HttpResponse.json(
          { id: 'run-43', status: 'pending' },
          { status: 202 },
        );
      }),
    );

    await client.startFailover({
      ...request,
      mode: 'failover',
      sourceFenced: 'powered off studio-primary-db in the console at 03:12',
    });
    expect(body).toEqual({
      ...request,
      mode: 'failover',
      sourceFenced: 'powered off studio-primary-db in the console at 03:12',
    });
  });

  it('previews the pre-flight by posting the same request to /failovers/preflight', async () => {
    let received: { contentType: string | null; body: unknown } | undefined;
    server.use(
      http.post(`${baseUrl}/failovers/preflight`, async ({ request: r }) => {
        received = {
          contentType: r.headers.get('content-type'),
          body: await r.json(),
        };
        return HttpResponse.json(unfenceablePreview());
      }),
      // a preview must never start a run
      http.post(`${baseUrl}/failovers`, () =>
        backendError(500, 'Error', 'a preview started a run'),
      ),
    );

    await expect(
      client.previewFailover({ ...request, mode: 'failover', force: true }),
    ).resolves.toEqual(unfenceablePreview());
    expect(received).toEqual({
      contentType: 'application/json',
      body: { ...request, mode: 'failover', force: true },
    });
  });

  it('rejects a refused preview with the backend message', async () => {
    server.use(
      http.post(`${baseUrl}/failovers/preflight`, () =>
        backendError(
          403,
          'NotAllowedError',
          'user:default/bruno may not run failovers of region:default/studio-sul',
        ),
      ),
    );

    const error = await client.previewFailover(request).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.body.error.message).toBe(
      'user:default/bruno may not run failovers of region:default/studio-sul',
    );
  });

  it('resumes an interrupted run by posting to its resume route, encoded', async () => {
    let path: string | undefined;
    server.use(
      http.post(`${baseUrl}/failovers/:id/resume`, ({ request: r }) => {
        path = new URL(r.url).pathname;
        return HttpResponse.json(
          { id: 'run 7', status: 'running' },
          { status: 202 },
        );
      }),
    );

    await expect(client.resumeFailover('run 7')).resolves.toEqual({
      id: 'run 7',
      status: 'running',
    });
    expect(path).toBe('/api/regions/failovers/run%207/resume');
  });

  it('rejects a refused resume (409) with the backend message', async () => {
    const message =
      'run run-7 is succeeded, not interrupted: only an interrupted run resumes';
    server.use(
      http.post(`${baseUrl}/failovers/:id/resume`, () =>
        backendError(409, 'ConflictError', message),
      ),
    );

    const error = await client.resumeFailover('run-7').catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.body.error.message).toBe(message);
  });

  it.each([
    ['approves', 'approve', 'approveFailover', 'awaiting-approval'],
    ['cancels', 'cancel', 'cancelFailover', 'cancelled'],
  ] as const)(
    '%s a run by posting to its %s route, encoded, without a body',
    async (_verb, route, method, status) => {
      let received: { path: string; body: string } | undefined;
      server.use(
        http.post(
          `${baseUrl}/failovers/:id/${route}`,
          async ({ request: r }) => {
            received = { path: new URL(r.url).pathname, body: await r.text() };
            return HttpResponse.json({ id: 'run 7', status }, { status: 202 });
          },
        ),
      );

      await expect(client[method]('run 7')).resolves.toEqual({
        id: 'run 7',
        status,
      });
      expect(received).toEqual({
        path: `/api/regions/failovers/run%207/${route}`,
        body: '',
      });
    },
  );

  it.each([
    [
      'approveFailover',
      'approve',
      409,
      'ConflictError',
      'run run-7 was started by user:default/ana: you started it: another owner must approve it',
    ],
    [
      'approveFailover',
      'approve',
      403,
      'NotAllowedError',
      'user:default/bruno may not run failovers of region:default/studio-sul',
    ],
    [
      'cancelFailover',
      'cancel',
      409,
      'ConflictError',
      'run run-7 is succeeded: only a pending, awaiting-approval or running run can be cancelled',
    ],
  ] as const)(
    'rejects a refused %s (%s, %i) with the backend message',
    async (method, route, status, name, message) => {
      server.use(
        http.post(`${baseUrl}/failovers/:id/${route}`, () =>
          backendError(status, name, message),
        ),
      );

      const error = await client[method]('run-7').catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(status);
      expect(error.body.error.message).toBe(message);
    },
  );

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
