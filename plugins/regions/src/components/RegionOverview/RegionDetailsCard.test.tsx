import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { RegionEntity } from '@meridian/plugin-regions-common';
import { screen, within } from '@testing-library/react';
import { mountedRoutes, studioSul } from '../../testing/fixtures';
import { RegionDetailsCard } from './RegionDetailsCard';

function renderCard(entity: RegionEntity) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <RegionDetailsCard />
    </EntityProvider>,
    { mountedRoutes },
  );
}

/** The value shown next to a field label. */
function field(section: string, label: string) {
  const term = within(screen.getByRole('region', { name: section })).getByText(
    label,
    { selector: 'dt' },
  );
  return term.nextElementSibling as HTMLElement;
}

describe('RegionDetailsCard', () => {
  it('lays out every spec field, grouped', async () => {
    renderCard(studioSul);
    await screen.findByText('Region details');

    expect(field('Placement', 'Tier')).toHaveTextContent('2 · regional hub');
    expect(field('Placement', 'Type')).toHaveTextContent('regional-hub');
    expect(field('Placement', 'Lifecycle')).toHaveTextContent('production');
    expect(
      within(field('Placement', 'Hub')).getByRole('link', {
        name: 'studio-primary',
      }),
    ).toHaveAttribute('href', '/catalog/default/region/studio-primary');
    expect(
      within(field('Placement', 'Owner')).getByRole('link', { name: 'sre' }),
    ).toHaveAttribute('href', '/catalog/default/group/sre');
    expect(field('Placement', 'Provider')).toHaveTextContent('colo');
    expect(field('Placement', 'Location')).toHaveTextContent(
      'Porto Alegre, BR',
    );
    expect(field('Placement', 'Coordinates')).toHaveTextContent(
      '-30.03, -51.23',
    );

    expect(field('Network', 'Network block')).toHaveTextContent('10.16.0.0/16');
    expect(field('Network', 'Pool')).toHaveTextContent('brazil');
    expect(field('Network', 'User latency target')).toHaveTextContent('20 ms');

    const links = within(screen.getByRole('table', { name: 'Links' }));
    const [, link] = links.getAllByRole('row');
    expect(
      within(link).getByRole('link', { name: 'studio-primary' }),
    ).toBeInTheDocument();
    expect(link).toHaveTextContent('35 ms');
    expect(link).toHaveTextContent('wireguard');

    expect(field('Service targets', 'Availability target')).toHaveTextContent(
      '99.9% (43 min 12 s of downtime per 30 days)',
    );
    expect(field('Service targets', 'Data residency')).toHaveTextContent(
      'LGPD',
    );

    expect(field('Replication', 'Role')).toHaveTextContent('warm-standby');
    expect(field('Replication', 'Mode')).toHaveTextContent('streaming');
    expect(
      within(field('Replication', 'Source')).getByRole('link', {
        name: 'studio-primary',
      }),
    ).toBeInTheDocument();
    expect(field('Replication', 'RPO')).toHaveTextContent('1 min');
    expect(field('Replication', 'RTO')).toHaveTextContent('5 min');

    expect(
      field('Budget and capabilities', 'Monthly budget'),
    ).toHaveTextContent('$6,000 per month');
    const capabilities = field('Budget and capabilities', 'Capabilities');
    expect(capabilities).toHaveTextContent('ai-inference');
    expect(capabilities).toHaveTextContent('observability-hub');
  });

  it('says which optional fields are not declared', async () => {
    renderCard({
      ...studioSul,
      spec: {
        type: 'global-hub',
        lifecycle: 'planned',
        owner: 'group:default/sre',
      },
    });
    await screen.findByText('Region details');

    expect(field('Placement', 'Tier')).toHaveTextContent('1 · global hub');
    for (const [section, label] of [
      ['Placement', 'Hub'],
      ['Placement', 'Location'],
      ['Network', 'Network block'],
      ['Service targets', 'Availability target'],
      ['Service targets', 'Data residency'],
      ['Replication', 'Source'],
      ['Replication', 'RPO'],
      ['Budget and capabilities', 'Monthly budget'],
      ['Budget and capabilities', 'Capabilities'],
    ]) {
      expect(field(section, label)).toHaveTextContent('Not declared');
    }
    expect(
      screen.getByText('No links to other regions are declared.'),
    ).toBeInTheDocument();
  });
});
