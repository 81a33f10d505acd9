import { mockServices } from '@backstage/backend-test-utils';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { LandedRegionsEntityProvider } from './LandedRegionsEntityProvider';

const landed = {
  apiVersion: 'meridian.dev/v1alpha1',
  kind: 'Region',
  metadata: { name: 'studio-s2', namespace: 'default' },
  spec: { type: 'edge', lifecycle: 'provisioning', owner: 'group:default/sre' },
};

describe('LandedRegionsEntityProvider', () => {
  let server: http.Server;
  let answer: { status: number; body: unknown };
  let authorization: string | undefined;
  let baseUrl: string;

  beforeEach(async () => {
    // stands in for GET /api/regions/landings of the regions backend
    server = http.createServer((req, res) => {
      authorization = req.headers.authorization;
      res.writeHead(req.url === '/api/regions/landings' ? answer.status : 404, {
        'Content-Type': 'application/json',
      });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  afterEach(() => new Promise(resolve => server.close(resolve)));

  function createProvider() {
    const logger = mockServices.logger.mock();
    const provider = new LandedRegionsEntityProvider({
      discovery: {
        getBaseUrl: async id => `${baseUrl}/${id}`,
        getExternalBaseUrl: async id => `${baseUrl}/${id}`,
      },
      auth: mockServices.auth(),
      logger,
    });
    const connection = { applyMutation: jest.fn(), refresh: jest.fn() };
    return { provider, connection, logger };
  }

  it('hands the catalog every landed region, located at the landings route', async () => {
    answer = { status: 200, body: { entities: [landed] } };
    const { provider, connection } = createProvider();
    await provider.connect(connection);
    await provider.refresh();

    const location = `url:${baseUrl}/regions/landings`;
    expect(connection.applyMutation).toHaveBeenCalledWith({
      type: 'full',
      entities: [
        {
          locationKey: 'meridian-landed-regions',
          entity: {
            ...landed,
            metadata: {
              ...landed.metadata,
              annotations: {
                'backstage.io/managed-by-location': location,
                'backstage.io/managed-by-origin-location': location,
              },
            },
          },
        },
      ],
    });
    expect(authorization).toMatch(/^Bearer .+/);
  });

  it('keeps what the catalog has when the regions backend fails', async () => {
    answer = {
      status: 503,
      body: { error: { name: 'ServiceUnavailableError', message: 'down' } },
    };
    const { provider, connection, logger } = createProvider();
    await provider.connect(connection);
    await provider.refresh();

    expect(connection.applyMutation).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'Could not read landed regions from the regions backend: 503',
      ),
    );
  });
});
