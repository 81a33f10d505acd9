import { ResponseError } from '@backstage/errors';
import { brazilAllocations, brazilPools } from '../testing/allocationFixtures';
import { RegionsClient } from './RegionsClient';

function jsonResponse(status: number, body: unknown) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

describe('RegionsClient pools and allocations', () => {
  const discoveryApi = {
    getBaseUrl: async () => 'http://backstage:7007/api/regions',
  };
  const fetchApi = { fetch: jest.fn() };
  const client = new RegionsClient({ discoveryApi, fetchApi });

  beforeEach(() => jest.clearAllMocks());

  it('reads the pools with their next free block', async () => {
    fetchApi.fetch.mockResolvedValue(jsonResponse(200, brazilPools()));
    await expect(client.getPools()).resolves.toEqual(brazilPools());
    expect(fetchApi.fetch).toHaveBeenCalledWith(
      'http://backstage:7007/api/regions/pools',
    );
  });

  it('reads the allocations', async () => {
    fetchApi.fetch.mockResolvedValue(jsonResponse(200, brazilAllocations()));
    await expect(client.getAllocations()).resolves.toEqual(brazilAllocations());
    expect(fetchApi.fetch).toHaveBeenCalledWith(
      'http://backstage:7007/api/regions/allocations',
    );
  });

  it("rejects with the backend's message when it fails", async () => {
    fetchApi.fetch.mockImplementation(async () =>
      jsonResponse(500, {
        error: { name: 'Error', message: 'database is down' },
        response: { statusCode: 500 },
      }),
    );
    await expect(client.getAllocations()).rejects.toBeInstanceOf(ResponseError);
    await expect(client.getPools()).rejects.toMatchObject({
      statusCode: 500,
      body: { error: { message: 'database is down' } },
    });
  });
});
