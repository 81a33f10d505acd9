import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import {
  mountedRoutes,
  studioPrimary,
  studioSul,
} from '../../testing/fixtures';
import { RegionRunbooksCard } from './RegionRunbooksCard';

describe('RegionRunbooksCard', () => {
  it('links to the region runbooks in TechDocs', async () => {
    renderInTestApp(
      <EntityProvider entity={studioSul}>
        <RegionRunbooksCard />
      </EntityProvider>,
      { mountedRoutes },
    );

    expect(
      await screen.findByRole('link', { name: /Open the runbooks/ }),
    ).toHaveAttribute('href', '/docs/default/region/studio-sul');
  });

  it("links to another entity's runbooks named by backstage.io/techdocs-entity", async () => {
    const usWest = {
      ...studioSul,
      metadata: {
        name: 'us-west',
        annotations: {
          'backstage.io/techdocs-entity': 'system:default/meridian',
          'backstage.io/techdocs-entity-path': '/runbooks/',
        },
      },
    };
    renderInTestApp(
      <EntityProvider entity={usWest}>
        <RegionRunbooksCard />
      </EntityProvider>,
      { mountedRoutes },
    );

    expect(
      await screen.findByRole('link', { name: /Open the runbooks/ }),
    ).toHaveAttribute('href', '/docs/default/system/meridian/runbooks/');
    expect(screen.getByRole('link', { name: 'Switchover' })).toHaveAttribute(
      'href',
      '/docs/default/system/meridian/runbooks/switchover/',
    );
    expect(
      screen.getByRole('link', { name: 'Failback (pg_rewind)' }),
    ).toHaveAttribute(
      'href',
      '/docs/default/system/meridian/runbooks/failback/',
    );
  });

  it('says so when no runbooks are registered', async () => {
    renderInTestApp(
      <EntityProvider entity={studioPrimary}>
        <RegionRunbooksCard />
      </EntityProvider>,
      { mountedRoutes },
    );

    expect(
      await screen.findByText(/No runbooks are registered for this region/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
  });
});
