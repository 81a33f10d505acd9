import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { RegionsApi, regionsApiRef } from '../../api';
import {
  fakeRegionsApi,
  mountedRoutes,
  studioPrimary,
  studioSul,
} from '../../testing/fixtures';
import { RegionConflictsCard } from './RegionConflictsCard';

function renderCard(
  entity = studioSul,
  regionsApi: RegionsApi = fakeRegionsApi(),
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <RegionConflictsCard />
    </EntityProvider>,
    { mountedRoutes, apis: [[regionsApiRef, regionsApi]] },
  );
}

describe('RegionConflictsCard', () => {
  it('lists the conflicts the backend found for the region', async () => {
    renderCard();

    expect(await screen.findByText('Conflicts (1)')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Overlapping network blocks: Network block 10.16.0.0/16 of region:default/studio-sul overlaps 10.16.128.0/17 of region:default/us-east',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('spec.network.cidr')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'us-east' })).toHaveAttribute(
      'href',
      '/catalog/default/region/us-east',
    );
  });

  it('says so when there are no conflicts', async () => {
    renderCard(studioPrimary);

    expect(await screen.findByText('No conflicts')).toBeInTheDocument();
    expect(screen.getByText('Conflicts')).toBeInTheDocument();
  });

  it('says so when the backend has not read the region yet', async () => {
    renderCard(studioSul, fakeRegionsApi({ getRegion: async () => undefined }));

    expect(await screen.findByText('Not checked yet')).toBeInTheDocument();
  });

  it('shows the error when the backend fails', async () => {
    renderCard(
      studioSul,
      fakeRegionsApi({
        getRegion: async () => {
          throw new Error('regions backend is down');
        },
      }),
    );

    expect(
      await screen.findByText(
        /Could not load conflicts from the regions backend/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('regions backend is down')).toBeInTheDocument();
  });
});
