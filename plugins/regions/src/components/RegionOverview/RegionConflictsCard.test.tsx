import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
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
  afterEach(() => {
    jest.restoreAllMocks();
  });

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

  it('lists critical conflicts first, in red, labelled and with when they were observed', async () => {
    const observedAt = '2026-09-20T12:00:00.000Z';
    jest.spyOn(Date, 'now').mockReturnValue(Date.parse(observedAt) + 300_000);
    const warning = {
      type: 'database-binding',
      regions: ['region:default/studio-sul'],
      field: 'metadata.annotations.meridian.dev/database',
      message: 'studio-sul names sul-db, which regions.databases does not list',
      severity: 'warning' as const,
    };
    const splitBrain = {
      type: 'split-brain',
      regions: ['region:default/studio-sul', 'region:default/studio-primary'],
      field: 'spec.replication',
      message:
        'studio-primary-db and studio-sul-db both accept writes for one replication set',
      severity: 'critical' as const,
      observedAt,
    };
    const summary = await fakeRegionsApi().getRegion({
      namespace: 'default',
      name: 'studio-sul',
    });
    renderCard(
      studioSul,
      fakeRegionsApi({
        getRegion: async () => ({
          ...summary!,
          conflicts: [warning, splitBrain],
        }),
      }),
    );

    expect(
      await screen.findByText('Conflicts (2, 1 critical)'),
    ).toBeInTheDocument();
    const [first, second] = screen.getAllByRole('listitem');
    expect(first).toHaveAccessibleName(
      'Critical: Split brain: studio-primary-db and studio-sul-db both accept writes for one replication set',
    );
    const critical = within(first);
    expect(critical.getByText('critical')).toBeInTheDocument();
    expect(
      critical.getByText(
        'Split brain: studio-primary-db and studio-sul-db both accept writes for one replication set',
      ),
    ).toHaveStyle({ color: 'rgb(244, 67, 54)' });
    expect(critical.getByText('· observed 5 min ago')).toBeInTheDocument();
    expect(
      critical.getByRole('link', { name: 'studio-primary' }),
    ).toBeInTheDocument();

    const rest = within(second);
    expect(
      rest.getByText(
        'Database binding: studio-sul names sul-db, which regions.databases does not list',
      ),
    ).not.toHaveStyle({ color: 'rgb(244, 67, 54)' });
    expect(rest.queryByText('critical')).not.toBeInTheDocument();
    expect(rest.queryByText(/observed/)).not.toBeInTheDocument();
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
