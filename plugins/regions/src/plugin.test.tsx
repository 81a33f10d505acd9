import { EntityProvider, catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { regionsApiRef } from './api';
import {
  EntityRegionCostContent,
  EntityRegionOverviewContent,
  EntityRegionReplicationContent,
  EntityRegionFailoversContent,
  EntityRegionsCard,
  regionsPlugin,
} from './plugin';
import {
  allRegions,
  checkout,
  fakeRegionsApi,
  mountedRoutes,
  studioSul,
} from './testing/fixtures';

describe('regions plugin for the legacy frontend system', () => {
  // The Failovers tab asks whether the user may run failovers; apps register
  // the permission API by default, these tests must name it.
  const permissionApi = mockApis.permission.factory();
  const apis = [
    [catalogApiRef, catalogApiMock({ entities: allRegions })],
    [regionsApiRef, fakeRegionsApi()],
    [permissionApi.api, permissionApi.factory({})],
  ] as const;

  it('is the regions plugin', () => {
    expect(regionsPlugin.getId()).toBe('regions');
  });

  it('shows the Region overview cards', async () => {
    await renderInTestApp(
      <TestApiProvider apis={apis}>
        <EntityProvider entity={studioSul}>
          <EntityRegionOverviewContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes },
    );

    expect(await screen.findByText('Region details')).toBeInTheDocument();
    expect(await screen.findByText('Conflicts (1)')).toBeInTheDocument();
    expect(screen.getByText('Hub, replicas and workloads')).toBeInTheDocument();
    expect(screen.getByText('Runbooks')).toBeInTheDocument();
  });

  it('shows the Replication tab content of a Region', async () => {
    await renderInTestApp(
      <TestApiProvider apis={apis}>
        <EntityProvider entity={studioSul}>
          <EntityRegionReplicationContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes },
    );

    expect(
      await screen.findByText('Seen from the standby'),
    ).toBeInTheDocument();
  });

  it('shows the Failovers tab content of a Region', async () => {
    await renderInTestApp(
      <TestApiProvider apis={apis}>
        <EntityProvider entity={studioSul}>
          <EntityRegionFailoversContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes },
    );

    expect(
      await screen.findByRole('table', { name: 'Failover runs' }),
    ).toBeInTheDocument();
  });

  it('shows the Cost tab content of a Region', async () => {
    await renderInTestApp(
      <TestApiProvider apis={apis}>
        <EntityProvider entity={studioSul}>
          <EntityRegionCostContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes },
    );

    expect(await screen.findByText('This month')).toBeInTheDocument();
  });

  it('shows the regions card of a deployed component', async () => {
    await renderInTestApp(
      <TestApiProvider apis={apis}>
        <EntityProvider entity={checkout}>
          <EntityRegionsCard />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes },
    );

    expect(
      await screen.findByRole('link', { name: 'Studio-Sul (Porto Alegre)' }),
    ).toHaveAttribute('href', '/catalog/default/region/studio-sul');
  });
});
