import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import {
  allRegions,
  backendTopology,
  mountedRoutes,
  studioSul,
} from '../../testing/fixtures';
import { costSummary } from '../../testing/costFixtures';
import { sulDrift, switchedOverTopology } from '../../testing/driftFixtures';
import { RegionsTable } from './RegionsTable';

// Material Table re-renders a dozen columns per filter change on a shared 2-core machine.
jest.setTimeout(60_000);

/** Where the table put its view: the query string of the current location. */
function UrlProbe() {
  const location = useLocation();
  return <output aria-label="url">{location.search}</output>;
}

function url() {
  return new URLSearchParams(
    screen.getByRole('status', { name: 'url' }).textContent ?? '',
  );
}

/** The region name: the link in the first cell (the title stands under it). */
function nameOf(row: HTMLElement) {
  const first = within(row).queryAllByRole('cell')[0];
  return first && within(first).queryAllByRole('link')[0]?.textContent;
}

function rowOf(name: string) {
  return screen.getAllByRole('row').find(row => nameOf(row) === name)!;
}

/** The cell of a region's row under a column header. */
function cellOf(name: string, column: string) {
  const headers = screen
    .getAllByRole('columnheader')
    .map(header => header.textContent);
  return within(rowOf(name)).getAllByRole('cell')[headers.indexOf(column)];
}

function visibleRegionNames() {
  return screen.getAllByRole('row').slice(1).map(nameOf);
}

describe('RegionsTable', () => {
  it('shows the columns that fit a laptop, and the others through the column picker', async () => {
    renderInTestApp(
      <>
        <RegionsTable entities={allRegions} topology={backendTopology()} />
        <UrlProbe />
      </>,
      { mountedRoutes },
    );

    expect(await screen.findByText('Regions (4)')).toBeInTheDocument();
    expect(
      screen.getAllByRole('columnheader').map(header => header.textContent),
    ).toEqual([
      'Name',
      'Tier',
      'Hub',
      'Health',
      'Role',
      'Replication',
      'Readiness',
      'Conflicts',
      'Owner',
    ]);

    const sul = within(rowOf('studio-sul'));
    expect(sul.getByRole('link', { name: 'studio-sul' })).toHaveAttribute(
      'href',
      '/catalog/default/region/studio-sul',
    );
    expect(sul.getByText('Studio-Sul (Porto Alegre)')).toBeInTheDocument();
    expect(sul.getByText('2 · regional hub')).toBeInTheDocument();
    expect(sul.getByRole('link', { name: 'studio-primary' })).toHaveAttribute(
      'href',
      '/catalog/default/region/studio-primary',
    );
    expect(sul.getByRole('link', { name: 'sre' })).toHaveAttribute(
      'href',
      '/catalog/default/group/sre',
    );
    expect(sul.getByText('1 conflict')).toBeInTheDocument();
    expect(
      within(rowOf('studio-primary')).getByText('1 · global hub'),
    ).toBeInTheDocument();
    expect(
      within(rowOf('studio-primary')).getByText('none'),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Show Columns' }));
    for (const column of ['Location', 'CIDR']) {
      await userEvent.click(screen.getByRole('checkbox', { name: column }));
    }
    await userEvent.keyboard('{Escape}');

    expect(
      await screen.findByRole('columnheader', { name: 'Location' }),
    ).toBeInTheDocument();
    expect(cellOf('studio-sul', 'Location')).toHaveTextContent(
      'Porto Alegre, BR',
    );
    expect(cellOf('studio-sul', 'CIDR')).toHaveTextContent('10.16.0.0/16');
    expect(url().get('columns')).toBe(
      'health,role,replicationLag,readiness.score,monthToDate,status,ownerName,location,cidr',
    );
  });

  it("shows each region's health from its probes", async () => {
    const topology = backendTopology();
    topology.regions = topology.regions.map(region =>
      region.name === 'studio-sul'
        ? {
            ...region,
            health: {
              status: 'down',
              reason: 'all 2 probes down: sul-api (timeout)',
            },
          }
        : region,
    );
    renderInTestApp(
      <RegionsTable entities={allRegions} topology={topology} />,
      { mountedRoutes },
    );
    await screen.findByText('Regions (4)');

    expect(cellOf('studio-sul', 'Health')).toHaveTextContent('down');
    expect(
      within(cellOf('studio-sul', 'Health')).getByTitle(
        'all 2 probes down: sul-api (timeout)',
      ),
    ).toBeInTheDocument();
    expect(cellOf('us-east', 'Health')).toHaveTextContent('unknown');
  });

  it('opens with the filters, search and sort of the URL, and keeps changes there', async () => {
    renderInTestApp(
      <>
        <RegionsTable entities={allRegions} topology={backendTopology()} />
        <UrlProbe />
      </>,
      {
        mountedRoutes,
        initialRouteEntries: ['/?country=BR&q=studio&sort=name&dir=desc'],
      },
    );
    await screen.findByText('Regions (3)');

    expect(screen.getByLabelText('Country')).toHaveValue('BR');
    const search = screen.getByDisplayValue('studio');
    expect(search).toHaveAttribute('placeholder', 'Filter');
    expect(visibleRegionNames()).toEqual([
      'studio-sul',
      'studio-primary',
      'studio-pelotas',
    ]);

    await userEvent.selectOptions(screen.getByLabelText('Tier'), '2');
    expect(visibleRegionNames()).toEqual(['studio-sul']);
    expect(url().get('tier')).toBe('2');
    expect(url().get('country')).toBe('BR');

    await userEvent.clear(search);
    await userEvent.type(search, 'sul');
    // the table debounces its search box
    await waitFor(() => expect(url().get('q')).toBe('sul'));
  });

  it("shows each region's replication status and current lag", async () => {
    renderInTestApp(
      <RegionsTable entities={allRegions} topology={backendTopology()} />,
      { mountedRoutes },
    );
    await screen.findByText('Regions (4)');

    const primary = within(rowOf('studio-primary'));
    expect(primary.getByText('ok')).toBeInTheDocument();
    expect(primary.getByText('2.1 s / 14 KiB')).toBeInTheDocument();

    // sampled, but with no fresh sample
    expect(cellOf('studio-sul', 'Replication')).toHaveTextContent(
      /^unknown\s*—$/,
    );

    // never sampled
    expect(cellOf('studio-pelotas', 'Replication')).toHaveTextContent(/^—$/);
  });

  it('shows the role each node says it has, and flags where it contradicts the catalog', async () => {
    renderInTestApp(
      <RegionsTable
        entities={allRegions}
        topology={switchedOverTopology(true)}
      />,
      { mountedRoutes },
    );
    await screen.findByText('Regions (4)');

    const sul = within(cellOf('studio-sul', 'Role'));
    expect(sul.getByText('primary')).toBeInTheDocument();
    expect(
      sul.getByRole('img', { name: `Role drift: ${sulDrift(false).message}` }),
    ).toBeInTheDocument();
    const primary = within(cellOf('studio-primary', 'Role'));
    expect(primary.getByText('standby')).toBeInTheDocument();
    expect(
      primary.getByRole('img', {
        name: /^Role drift: declared primary, standby/,
      }),
    ).toBeInTheDocument();
    expect(cellOf('studio-pelotas', 'Role')).toHaveTextContent(/^—$/);
  });

  it('shows the declared role, marked so, while no node has said anything', async () => {
    renderInTestApp(
      <RegionsTable entities={allRegions} topology={backendTopology()} />,
      { mountedRoutes },
    );
    await screen.findByText('Regions (4)');

    expect(cellOf('studio-sul', 'Role')).toHaveTextContent(/^standby$/);
    expect(
      within(cellOf('studio-sul', 'Role')).queryByRole('img'),
    ).not.toBeInTheDocument();

    const unobserved = backendTopology();
    for (const region of unobserved.regions) {
      region.replication = region.replication && {
        ...region.replication,
        observedRole: 'unknown',
      };
    }
    renderInTestApp(
      <RegionsTable entities={[studioSul]} topology={unobserved} />,
      { mountedRoutes },
    );
    expect(
      await screen.findByText('warm-standby (declared)'),
    ).toBeInTheDocument();
  });

  it("shows each region's month-to-date cost against its budget, and the total", async () => {
    renderInTestApp(
      <RegionsTable
        entities={allRegions}
        topology={backendTopology()}
        costs={costSummary()}
      />,
      { mountedRoutes },
    );

    expect(
      await screen.findByRole('columnheader', { name: 'Month to date' }),
    ).toBeInTheDocument();
    const primary = within(rowOf('studio-primary'));
    expect(primary.getByText(/\$3,000\.00/)).toBeInTheDocument();
    expect(primary.getByText('within budget')).toBeInTheDocument();
    // a hub next to what its spokes cost: studio-sul (studio-pelotas is sul's)
    expect(primary.getByText('spokes $2,500.00')).toBeInTheDocument();
    expect(
      within(rowOf('studio-sul')).getByText('spokes $1,200.00'),
    ).toBeInTheDocument();
    expect(
      within(rowOf('studio-sul')).getByText('at risk'),
    ).toBeInTheDocument();
    expect(
      within(rowOf('studio-pelotas')).getByText('over budget'),
    ).toBeInTheDocument();
    // a region the backend has no cost of
    expect(cellOf('us-east', 'Month to date')).toHaveTextContent(/^—$/);
    expect(
      screen.getByText('Month to date across the regions listed: $6,700.00'),
    ).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByLabelText('Tier'), '1');
    expect(
      screen.getByText('Month to date across the regions listed: $3,000.00'),
    ).toBeInTheDocument();
    // real OpenCost costs carry no demo label
    expect(screen.queryByText('demo data')).not.toBeInTheDocument();
  });

  it('labels every month-to-date cost and the total "demo data" when the costs are generated', async () => {
    renderInTestApp(
      <RegionsTable
        entities={allRegions}
        topology={backendTopology()}
        costs={{ ...costSummary(), demo: true }}
      />,
      { mountedRoutes },
    );

    await screen.findByRole('columnheader', { name: 'Month to date' });
    for (const name of ['studio-primary', 'studio-sul', 'studio-pelotas']) {
      expect(within(rowOf(name)).getByText('demo data')).toBeInTheDocument();
    }
    // no cost, nothing to label
    expect(
      within(rowOf('us-east')).queryByText('demo data'),
    ).not.toBeInTheDocument();
    const total = screen.getByText(/Month to date across the regions listed/);
    expect(within(total).getByText('demo data')).toBeInTheDocument();
  });

  it('shows no cost column nor total while no region has been read from OpenCost', async () => {
    const unread = costSummary();
    unread.regions = unread.regions.map(region => ({
      ...region,
      monthToDate: 0,
      collectedAt: null,
    }));
    renderInTestApp(
      <RegionsTable
        entities={allRegions}
        topology={backendTopology()}
        costs={unread}
      />,
      { mountedRoutes },
    );

    await screen.findByText('Regions (4)');
    expect(
      screen.queryByRole('columnheader', { name: 'Month to date' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByText(/Month to date across the regions listed/),
    ).not.toBeInTheDocument();
  });

  it('narrows the list by tier, lifecycle, owner and country', async () => {
    renderInTestApp(
      <RegionsTable entities={allRegions} topology={backendTopology()} />,
      { mountedRoutes },
    );
    await screen.findByText('Regions (4)');

    await userEvent.selectOptions(screen.getByLabelText('Tier'), '2');
    expect(visibleRegionNames()).toEqual(['studio-sul', 'us-east']);

    await userEvent.selectOptions(screen.getByLabelText('Country'), 'US');
    expect(visibleRegionNames()).toEqual(['us-east']);

    await userEvent.selectOptions(screen.getByLabelText('Country'), '');
    await userEvent.selectOptions(screen.getByLabelText('Tier'), '');
    await userEvent.selectOptions(
      screen.getByLabelText('Owner'),
      screen.getByRole('option', { name: 'edge-team' }),
    );
    expect(visibleRegionNames()).toEqual(['studio-pelotas']);

    await userEvent.selectOptions(screen.getByLabelText('Owner'), '');
    await userEvent.selectOptions(
      screen.getByLabelText('Lifecycle'),
      'planned',
    );
    expect(visibleRegionNames()).toEqual(['us-east']);
    expect(screen.getByText('Regions (1)')).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByLabelText('Tier'), '1');
    expect(
      screen.getByText('No regions match the selected filters.'),
    ).toBeInTheDocument();
  });

  it('marks the status unknown when the backend view is missing', async () => {
    renderInTestApp(<RegionsTable entities={allRegions} />, { mountedRoutes });

    expect(await screen.findAllByText('Unknown')).toHaveLength(4);
  });

  it('says so when there are no regions', async () => {
    renderInTestApp(<RegionsTable entities={[]} />, { mountedRoutes });

    expect(await screen.findByText('No regions yet')).toBeInTheDocument();
  });
});
