import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider, catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import { allRegions, checkout, mountedRoutes } from '../../testing/fixtures';
import { EntityRegionsCard } from './EntityRegionsCard';

function renderCard(
  entity: Entity,
  catalogApi = catalogApiMock({ entities: allRegions }),
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityRegionsCard />
    </EntityProvider>,
    { mountedRoutes, apis: [[catalogApiRef, catalogApi]] },
  );
}

describe('EntityRegionsCard', () => {
  it('lists the regions the entity is deployed in', async () => {
    renderCard(checkout);

    const table = within(await screen.findByRole('table', { name: 'Regions' }));
    const [, sul, usEast] = table.getAllByRole('row');
    expect(
      within(sul).getByRole('link', { name: 'Studio-Sul (Porto Alegre)' }),
    ).toHaveAttribute('href', '/catalog/default/region/studio-sul');
    expect(sul).toHaveTextContent('2 · regional hub');
    expect(sul).toHaveTextContent('Porto Alegre, BR');
    expect(sul).toHaveTextContent('production');
    expect(
      within(usEast).getByRole('link', { name: 'US East' }),
    ).toHaveAttribute('href', '/catalog/default/region/us-east');
    expect(usEast).toHaveTextContent('Ashburn, US');
    expect(usEast).toHaveTextContent('planned');
  });

  it('warns about regions that are not in the catalog', async () => {
    renderCard({
      ...checkout,
      relations: [
        ...checkout.relations!,
        { type: 'deployedIn', targetRef: 'region:default/mars-1' },
      ],
    });

    expect(
      await screen.findByText(/Some regions are not in the catalog/),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('link', { name: 'US East' }),
    ).toBeInTheDocument();
  });

  it('says so when the entity is not deployed in any region', async () => {
    renderCard({ ...checkout, relations: [] });

    expect(
      await screen.findByText('Not deployed in any region'),
    ).toBeInTheDocument();
    expect(screen.getByText('meridian.dev/regions')).toBeInTheDocument();
  });

  it('shows the error when the catalog fails', async () => {
    renderCard(
      checkout,
      catalogApiMock.mock({
        getEntitiesByRefs: async () => {
          throw new Error('catalog is down');
        },
      }),
    );

    expect(
      await screen.findByText(/Could not load the regions from the catalog/),
    ).toBeInTheDocument();
  });
});
