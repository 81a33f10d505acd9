import { renderTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  catalogApiMock,
  createTestEntityPage,
} from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import regionsPlugin from './alpha';
import { regionsApiRef } from './api';
import {
  allRegions,
  checkout,
  fakeRegionsApi,
  mountedRoutes,
  studioSul,
} from './testing/fixtures';

const apis = [
  [catalogApiRef, catalogApiMock({ entities: [...allRegions, checkout] })],
  [regionsApiRef, fakeRegionsApi()],
] as const;

const entityCards = [
  'entity-card:regions/region-details',
  'entity-card:regions/region-conflicts',
  'entity-card:regions/region-relations',
  'entity-card:regions/region-runbooks',
  'entity-card:regions/region-health',
  'entity-card:regions/region-plan',
  'entity-card:regions/deployed-regions',
] as const;

// the entity page loads seven cards lazily: seconds on a shared 2-core machine
jest.setTimeout(60_000);

describe('regions plugin for the new frontend system', () => {
  it('puts the Region overview cards on Region pages only', async () => {
    renderTestApp({
      apis,
      extensions: [
        createTestEntityPage({ entity: studioSul }),
        ...entityCards.map(id => regionsPlugin.getExtension(id)),
      ],
    });

    for (const title of [
      'Region details',
      'Hub, replicas and workloads',
      'Runbooks',
      'Health',
      'Failover plan',
    ]) {
      expect(await screen.findByText(title)).toBeInTheDocument();
    }
    expect(await screen.findByText('Conflicts (1)')).toBeInTheDocument();
    expect(
      screen.queryByText('Not deployed in any region'),
    ).not.toBeInTheDocument();
  });

  it('adds a Replication tab to Region pages', async () => {
    renderTestApp({
      apis,
      extensions: [
        createTestEntityPage({ entity: studioSul }),
        regionsPlugin.getExtension('entity-content:regions/replication'),
      ],
    });

    expect(
      await screen.findByText('Seen from the standby'),
    ).toBeInTheDocument();
  });

  it('adds a Failovers tab to Region pages', async () => {
    renderTestApp({
      apis,
      mountedRoutes,
      extensions: [
        createTestEntityPage({ entity: studioSul }),
        regionsPlugin.getExtension('entity-content:regions/failovers'),
      ],
    });

    // the entity page loads its contents lazily: slow on a busy machine
    expect(
      await screen.findByRole(
        'table',
        { name: 'Failover runs' },
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Fail over…' }),
    ).toBeInTheDocument();
  });

  it('adds a Cost tab to Region pages', async () => {
    renderTestApp({
      apis,
      extensions: [
        createTestEntityPage({ entity: studioSul }),
        regionsPlugin.getExtension('entity-content:regions/cost'),
      ],
    });

    expect(await screen.findByText('This month')).toBeInTheDocument();
  });

  it('puts the regions card on the pages of deployable entities', async () => {
    renderTestApp({
      apis,
      extensions: [
        createTestEntityPage({ entity: checkout }),
        ...entityCards.map(id => regionsPlugin.getExtension(id)),
      ],
    });

    expect(
      await screen.findByRole('table', { name: 'Regions' }),
    ).toBeInTheDocument();
    expect(screen.queryByText('Region details')).not.toBeInTheDocument();
  });

  it('puts no regions card on a component that does not say where it runs', async () => {
    const undeclared = {
      ...checkout,
      metadata: { name: 'ledger', namespace: 'default' },
      relations: [],
    };
    renderTestApp({
      apis,
      extensions: [
        createTestEntityPage({ entity: undeclared }),
        ...entityCards.map(id => regionsPlugin.getExtension(id)),
      ],
    });

    // no card's filter takes the entity: the test page says it is empty
    expect(await screen.findByTestId('empty-entity-page')).toBeInTheDocument();
    expect(
      screen.queryByText('Not deployed in any region'),
    ).not.toBeInTheDocument();
  });

  it('serves the Regions page at /regions, with a sidebar entry', async () => {
    renderTestApp({
      apis,
      mountedRoutes,
      features: [regionsPlugin],
      initialRouteEntries: ['/regions'],
    });

    expect(await screen.findByText('Regions (4)')).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { level: 1, name: 'Regions' }),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('navigation', { name: 'sidebar nav' })).getByRole(
        'link',
        { name: 'Regions' },
      ),
    ).toHaveAttribute('href', '/regions');
  });
});
