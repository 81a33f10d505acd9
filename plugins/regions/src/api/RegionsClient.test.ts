import { ResponseError } from '@backstage/errors';
import { costSummary, hubCost } from '../testing/costFixtures';
import { degradedHealth, failingPlan } from '../testing/healthFixtures';
import { backendTopology, primaryReplication } from '../testing/fixtures';
import { RegionsClient } from './RegionsClient';

function jsonResponse(status: number, body: unknown) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

describe('RegionsClient', () => {
  const discoveryApi = {
    getBaseUrl: jest.fn(async () => 'http://backstage:7007/api/regions'),
  };
  const fetchApi = { fetch: jest.fn() };
  const client = new RegionsClient({ discoveryApi, fetchApi });

  beforeEach(() => jest.clearAllMocks());

  it('reads the topology from the regions backend', async () => {
    const topology = backendTopology();
    fetchApi.fetch.mockResolvedValue(jsonResponse(200, topology));

    await expect(client.getTopology()).resolves.toEqual(topology);
    expect(discoveryApi.getBaseUrl).toHaveBeenCalledWith('regions');
    expect(fetchApi.fetch).toHaveBeenCalledWith(
      'http://backstage:7007/api/regions/topology',
    );
  });

  it('reads one region by namespace and name, encoded', async () => {
    const summary = { region: {}, conflicts: [], syncedAt: null };
    fetchApi.fetch.mockResolvedValue(jsonResponse(200, summary));

    await expect(
      client.getRegion({ namespace: 'default', name: 'são paulo' }),
    ).resolves.toEqual(summary);
    expect(fetchApi.fetch).toHaveBeenCalledWith(
      'http://backstage:7007/api/regions/regions/default/s%C3%A3o%20paulo',
    );
  });

  it('answers undefined for a region the backend does not know', async () => {
    fetchApi.fetch.mockResolvedValue(
      jsonResponse(404, {
        error: { name: 'NotFoundError', message: 'No region default/nowhere' },
      }),
    );

    await expect(
      client.getRegion({ namespace: 'default', name: 'nowhere' }),
    ).resolves.toBeUndefined();
  });

  it("reads the cost of a region over a window, and every region's month", async () => {
    const cost = hubCost('90d');
    fetchApi.fetch.mockResolvedValueOnce(jsonResponse(200, cost));

    await expect(
      client.getCost({ namespace: 'default', name: 'studio-primary' }, '90d'),
    ).resolves.toEqual(cost);
    expect(fetchApi.fetch).toHaveBeenLastCalledWith(
      'http://backstage:7007/api/regions/regions/default/studio-primary/cost?window=90d',
    );

    fetchApi.fetch.mockResolvedValueOnce(jsonResponse(200, costSummary()));
    await expect(client.getCostSummary()).resolves.toEqual(costSummary());
    expect(fetchApi.fetch).toHaveBeenLastCalledWith(
      'http://backstage:7007/api/regions/costs',
    );
  });

  it('rejects the cost of a region the backend does not know', async () => {
    fetchApi.fetch.mockResolvedValue(
      jsonResponse(404, {
        error: { name: 'NotFoundError', message: 'No region default/nowhere' },
      }),
    );

    await expect(
      client.getCost({ namespace: 'default', name: 'nowhere' }, '30d'),
    ).rejects.toBeInstanceOf(ResponseError);
  });

  it('reads the replication of a region over a window', async () => {
    const replication = primaryReplication();
    fetchApi.fetch.mockResolvedValue(jsonResponse(200, replication));

    await expect(
      client.getReplication({ namespace: 'default', name: 'são paulo' }, '7d'),
    ).resolves.toEqual(replication);
    expect(fetchApi.fetch).toHaveBeenCalledWith(
      'http://backstage:7007/api/regions/regions/default/s%C3%A3o%20paulo/replication?window=7d',
    );
  });

  it('rejects the replication of a region the backend does not know', async () => {
    fetchApi.fetch.mockResolvedValue(
      jsonResponse(404, {
        error: { name: 'NotFoundError', message: 'No region default/nowhere' },
        response: { statusCode: 404 },
      }),
    );

    const error = await client
      .getReplication({ namespace: 'default', name: 'nowhere' }, '24h')
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.cause.message).toBe('No region default/nowhere');
  });

  it('reads the conflicts of an entity by its ref, encoded', async () => {
    const conflicts = [
      {
        type: 'residency',
        regions: ['region:default/us-east'],
        entities: ['component:default/checkout'],
        field: 'metadata.annotations.meridian.dev/residency',
        message: 'component:default/checkout must keep its data under LGPD',
      },
    ];
    fetchApi.fetch.mockResolvedValue(
      jsonResponse(200, { conflicts, syncedAt: null }),
    );

    await expect(
      client.getEntityConflicts('component:default/checkout'),
    ).resolves.toEqual(conflicts);
    expect(fetchApi.fetch).toHaveBeenCalledWith(
      'http://backstage:7007/api/regions/conflicts?entity=component%3Adefault%2Fcheckout',
    );
  });

  it("fixes a region's drift by posting to its drift/fix route, encoded", async () => {
    const entity = { kind: 'Region', metadata: { name: 'são paulo' } };
    fetchApi.fetch.mockResolvedValue(jsonResponse(200, { entity }));

    await expect(
      client.fixDrift({ namespace: 'default', name: 'são paulo' }),
    ).resolves.toEqual({ entity });
    expect(fetchApi.fetch).toHaveBeenCalledWith(
      'http://backstage:7007/api/regions/regions/default/s%C3%A3o%20paulo/drift/fix',
      { method: 'POST' },
    );
  });

  it('rejects a refused drift fix with the backend message', async () => {
    fetchApi.fetch.mockResolvedValue(
      jsonResponse(409, {
        error: {
          name: 'ConflictError',
          message: 'region:default/us-east was not landed by the template',
        },
        response: { statusCode: 409 },
      }),
    );

    const error = await client
      .fixDrift({ namespace: 'default', name: 'us-east' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.cause.message).toBe(
      'region:default/us-east was not landed by the template',
    );
  });

  it('reads the health of a region over a window, and its plan', async () => {
    const health = degradedHealth('7d');
    const plan = failingPlan();
    fetchApi.fetch
      .mockResolvedValueOnce(jsonResponse(200, health))
      .mockResolvedValueOnce(jsonResponse(200, plan));

    await expect(
      client.getHealth({ namespace: 'default', name: 'studio-sul' }, '7d'),
    ).resolves.toEqual(health);
    await expect(
      client.getPlan({ namespace: 'default', name: 'studio-primary' }),
    ).resolves.toEqual(plan);
    expect(fetchApi.fetch.mock.calls.map(call => call[0])).toEqual([
      'http://backstage:7007/api/regions/regions/default/studio-sul/health?window=7d',
      'http://backstage:7007/api/regions/regions/default/studio-primary/plan',
    ]);
  });

  it('throws a ResponseError carrying the backend message on failure', async () => {
    fetchApi.fetch.mockResolvedValue(
      jsonResponse(500, {
        error: { name: 'Error', message: 'database is down' },
        response: { statusCode: 500 },
      }),
    );

    const error = await client.getTopology().catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(500);
    expect(error.cause.message).toBe('database is down');
  });
});
