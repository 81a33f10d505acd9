import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider, catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import {
  checkout,
  mountedRoutes,
  studioPelotas,
  studioPrimary,
  studioSul,
} from '../../testing/fixtures';
import { RegionRelationsCard } from './RegionRelationsCard';

const payments: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'payments', namespace: 'default', title: 'Payments' },
  spec: { owner: 'payments-team' },
};

function renderCard(
  entity: Entity,
  catalogApi = catalogApiMock({
    entities: [studioPrimary, studioPelotas, checkout, payments],
  }),
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <RegionRelationsCard />
    </EntityProvider>,
    { mountedRoutes, apis: [[catalogApiRef, catalogApi]] },
  );
}

function group(name: string) {
  return within(screen.getByRole('region', { name }));
}

describe('RegionRelationsCard', () => {
  it('lists hub, spokes, replication and what the region hosts', async () => {
    renderCard(studioSul);

    expect(
      await screen.findByRole('region', { name: 'Hub' }),
    ).toBeInTheDocument();
    const hub = group('Hub').getByRole('link', { name: 'Studio Primary' });
    expect(hub).toHaveAttribute(
      'href',
      '/catalog/default/region/studio-primary',
    );
    expect(
      group('Hub').getByText('1 · global hub · production'),
    ).toBeInTheDocument();
    expect(
      group('Spokes').getByRole('link', { name: 'Studio Pelotas' }),
    ).toHaveAttribute('href', '/catalog/default/region/studio-pelotas');
    expect(
      group('Spokes').getByText('3 · edge · provisioning'),
    ).toBeInTheDocument();
    expect(
      group('Replica source').getByRole('link', { name: 'Studio Primary' }),
    ).toBeInTheDocument();
    expect(group('Replicas').getByText('None')).toBeInTheDocument();
    expect(group('Owner').getByRole('link', { name: 'sre' })).toHaveAttribute(
      'href',
      '/catalog/default/group/sre',
    );

    expect(
      group('Hosted components').getByRole('link', { name: 'checkout' }),
    ).toHaveAttribute('href', '/catalog/default/component/checkout');
    expect(
      group('Hosted components').getByText('service · production'),
    ).toBeInTheDocument();
    expect(
      group('Hosted systems').getByRole('link', { name: 'Payments' }),
    ).toHaveAttribute('href', '/catalog/default/system/payments');
    // Not in the catalog: still listed by its ref.
    expect(
      group('Hosted resources').getByRole('link', { name: 'sul-db' }),
    ).toBeInTheDocument();
  });

  it('still lists the relations when their details cannot be loaded', async () => {
    renderCard(
      studioSul,
      catalogApiMock.mock({
        getEntitiesByRefs: async () => {
          throw new Error('catalog is down');
        },
      }),
    );

    expect(
      await screen.findByText(/Could not load the related entities' details/),
    ).toBeInTheDocument();
    expect(
      group('Spokes').getByRole('link', { name: 'studio-pelotas' }),
    ).toBeInTheDocument();
  });

  it('says so when the region has no relations yet', async () => {
    renderCard({ ...studioSul, relations: [] });

    expect(await screen.findByText('No relations yet')).toBeInTheDocument();
  });
});
