import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider, catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import { RegionsApi, regionsApiRef } from '../../api';
import {
  allRegions,
  checkout,
  fakeRegionsApi,
  mountedRoutes,
} from '../../testing/fixtures';
import { EntityRegionsCard } from './EntityRegionsCard';

// The first render of a file loads the app's lazy parts on a shared 2-core machine.
jest.setTimeout(20_000);

function renderCard(
  entity: Entity,
  catalogApi = catalogApiMock({ entities: allRegions }),
  regionsApi: RegionsApi = fakeRegionsApi(),
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityRegionsCard />
    </EntityProvider>,
    {
      mountedRoutes,
      apis: [
        [catalogApiRef, catalogApi],
        [regionsApiRef, regionsApi],
      ],
    },
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

  it('shows the residency conflicts of where the entity is deployed, asking by its ref', async () => {
    const message =
      'component:default/checkout must keep its data under LGPD (meridian.dev/residency) but meridian.dev/regions deploys it in region:default/us-east, whose spec.residency lacks LGPD';
    const asked: string[] = [];
    renderCard(
      checkout,
      undefined,
      fakeRegionsApi({
        getEntityConflicts: async ref => {
          asked.push(ref);
          return [
            {
              type: 'residency',
              regions: ['region:default/us-east'],
              entities: [ref],
              field: 'metadata.annotations.meridian.dev/residency',
              message,
            },
          ];
        },
      }),
    );

    expect(
      await screen.findByText(/1 data residency conflict/),
    ).toBeInTheDocument();
    const list = within(
      screen.getByRole('list', { name: 'Residency conflicts' }),
    );
    expect(list.getByRole('listitem')).toHaveTextContent(message);
    expect(asked).toEqual([`component:default/${checkout.metadata.name}`]);
    // the regions are still listed
    expect(screen.getByRole('table', { name: 'Regions' })).toBeInTheDocument();
  });

  it('shows no conflict panel when the backend finds none', async () => {
    renderCard(checkout);
    await screen.findByRole('table', { name: 'Regions' });
    expect(screen.queryByText(/residency conflict/)).not.toBeInTheDocument();
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
