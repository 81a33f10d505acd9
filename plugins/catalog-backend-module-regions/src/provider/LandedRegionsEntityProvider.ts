import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
} from '@backstage/catalog-model';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { RegionEntity } from '@meridian/plugin-regions-common';

const LOCATION_KEY = 'meridian-landed-regions';

/**
 * Serves the catalog the Region entities that templates landed without a git
 * host (`meridian:region:register`), as the regions backend keeps them.
 */
export class LandedRegionsEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
    },
  ) {}

  getProviderName(): string {
    return 'meridian-landed-regions';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
  }

  /**
   * Reads the landed regions and replaces the provider's entities with them.
   * When the regions backend cannot answer, the catalog keeps what it has.
   */
  async refresh(): Promise<void> {
    if (!this.connection) {
      throw new Error('LandedRegionsEntityProvider is not connected yet');
    }
    const { discovery, auth, logger } = this.options;
    const url = `${await discovery.getBaseUrl('regions')}/landings`;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'regions',
    });
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!response.ok) {
      logger.warn(
        `Could not read landed regions from the regions backend: ${
          response.status
        } ${await response.text()}`,
      );
      return;
    }
    const { entities } = (await response.json()) as {
      entities: RegionEntity[];
    };
    const location = `url:${url}`;
    await this.connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({
        locationKey: LOCATION_KEY,
        entity: {
          ...entity,
          metadata: {
            ...entity.metadata,
            annotations: {
              ...entity.metadata.annotations,
              [ANNOTATION_LOCATION]: location,
              [ANNOTATION_ORIGIN_LOCATION]: location,
            },
          },
        },
      })),
    });
  }
}
