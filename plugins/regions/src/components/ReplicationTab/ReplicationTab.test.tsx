import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RegionsApi } from '../../api';
import {
  fakeRegionsApi,
  primaryReplication,
  replicationSampledAt,
  studioPelotas,
  studioPrimary,
  studioSul,
} from '../../testing/fixtures';
import {
  fact,
  renderReplicationTab,
} from './__testUtils__/renderReplicationTab';

// The first render of a file loads the app's lazy parts on a shared 2-core machine.
jest.setTimeout(20_000);

// "5 s ago" for every sample, whenever the test runs
beforeEach(() => {
  jest
    .spyOn(Date, 'now')
    .mockReturnValue(Date.parse(replicationSampledAt) + 5000);
});

afterEach(() => {
  jest.restoreAllMocks();
});

const renderTab = renderReplicationTab;

function rowOf(name: string) {
  return within(
    screen
      .getAllByRole('row')
      .find(
        row => within(row).queryAllByRole('cell')[0]?.textContent === name,
      )!,
  );
}

describe('ReplicationTab', () => {
  it("shows a primary's facts, status and replicas in each status", async () => {
    renderTab();

    expect(await screen.findByText('Replicas (3)')).toBeInTheDocument();
    const facts = within(screen.getByRole('region', { name: 'Database' }));
    expect(
      fact(facts, 'Declared role').getByText('primary'),
    ).toBeInTheDocument();
    expect(
      fact(facts, 'Observed role').getByText('primary'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('region', { name: 'Role drift' }),
    ).not.toBeInTheDocument();
    expect(facts.getByText('streaming')).toBeInTheDocument();
    expect(facts.getByText('1 min')).toBeInTheDocument();
    expect(facts.getByText('studio-primary-db')).toBeInTheDocument();
    expect(facts.getByText('postgres')).toBeInTheDocument();
    expect(facts.getByText('5 s ago')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Replica pelotas-1 is 1 min 30 s behind, above the RPO of 60 s.',
      ),
    ).toBeInTheDocument();

    const sul = rowOf('sul-1');
    expect(sul.getByText('streaming')).toBeInTheDocument();
    expect(sul.getByText('sync')).toBeInTheDocument();
    expect(sul.getByText('14 KiB')).toBeInTheDocument();
    expect(sul.getByText('2.1 s')).toBeInTheDocument();
    expect(sul.getByText('ok')).toBeInTheDocument();

    const usEast = rowOf('us-east-1');
    expect(usEast.getByText('catchup')).toBeInTheDocument();
    expect(usEast.getByText('3 MiB')).toBeInTheDocument();
    expect(usEast.getByText('35 s')).toBeInTheDocument();
    expect(usEast.getByText('warning')).toBeInTheDocument();

    const pelotas = rowOf('pelotas-1');
    expect(pelotas.getByText('stopped')).toBeInTheDocument();
    expect(pelotas.getByText('9 MiB')).toBeInTheDocument();
    expect(pelotas.getByText('1 min 30 s')).toBeInTheDocument();
    expect(pelotas.getByText('breach')).toBeInTheDocument();
    expect(pelotas.getByText('5 s ago')).toBeInTheDocument();

    // the region's own chip: its worst replica breaches the RPO
    expect(screen.getAllByText('breach')).toHaveLength(2);
  });

  it('says so when a primary has no replicas attached', async () => {
    renderTab(
      studioPrimary,
      fakeRegionsApi({
        getReplication: async () => ({
          ...primaryReplication(),
          status: 'ok',
          reason: 'No replica to fall behind.',
          replicas: [],
        }),
      }),
    );

    expect(await screen.findByText(/No replicas attached/)).toBeInTheDocument();
  });

  it("shows a caught-up standby's own view and explains the idle primary", async () => {
    renderTab(studioSul);

    expect(
      await screen.findByText('Seen from the standby'),
    ).toBeInTheDocument();
    expect(screen.getByText('warm-standby')).toBeInTheDocument();
    const receiver = within(screen.getByRole('region', { name: 'Receiver' }));
    expect(receiver.getByText('10.0.0.10:5432')).toBeInTheDocument();
    expect(receiver.getAllByText('0/3000148')).toHaveLength(2);
    expect(receiver.getByText('0 B')).toBeInTheDocument();
    expect(receiver.getByText('10 min')).toBeInTheDocument();
    expect(
      screen.getByText(/that is an idle primary, not lag, and not a breach/),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Replicas \(/)).not.toBeInTheDocument();
  });

  it('shows why the status is unknown when the source fails', async () => {
    renderTab(
      studioPrimary,
      fakeRegionsApi({
        getReplication: async () => ({
          ...primaryReplication(),
          status: 'unknown',
          reason: 'postgres: connect ETIMEDOUT 10.0.0.10:5432',
          sampledAt: null,
          replicas: [],
          history: [],
        }),
      }),
    );

    expect(
      await screen.findByText(/Replication status is unknown/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('postgres: connect ETIMEDOUT 10.0.0.10:5432'),
    ).toBeVisible();
    expect(screen.getByText('unknown')).toBeInTheDocument();
    expect(screen.getByText('none yet')).toBeInTheDocument();
    expect(screen.queryByText(/No replicas attached/)).not.toBeInTheDocument();
    expect(
      screen.getByText('No lag samples in this window yet.'),
    ).toBeInTheDocument();
  });

  it('explains how to observe a region no source observes', async () => {
    renderTab(studioPelotas);

    expect(
      await screen.findByText('No replication source observes this region'),
    ).toBeInTheDocument();
    expect(screen.getByText('meridian.dev/database')).toBeInTheDocument();
    expect(
      screen.getByText(/the database "pelotas-db" named by/),
    ).toBeInTheDocument();
  });

  it('says a newly observed region has no sample yet, rather than no source', async () => {
    renderTab(
      studioPrimary,
      fakeRegionsApi({
        getReplication: async () => ({
          ...primaryReplication(),
          status: 'unknown',
          reason:
            'no sample yet; the collector samples the region on its next run',
          source: undefined,
          database: undefined,
          sampledAt: null,
          replicas: [],
          history: [],
        }),
      }),
    );

    expect(
      await screen.findByText('No replication sample yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/the collector samples the region/),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('No replication source observes this region'),
    ).not.toBeInTheDocument();
  });

  it('shows the error when the backend fails', async () => {
    renderTab(
      studioPrimary,
      fakeRegionsApi({
        getReplication: async () => {
          throw new Error('regions backend is down');
        },
      }),
    );

    expect(
      await screen.findByText(
        /Could not load replication from the regions backend/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('regions backend is down')).toBeInTheDocument();
  });

  it('draws the lag over time against the RPO line', async () => {
    renderTab();

    const chart = within(
      await screen.findByRole('figure', { name: 'Replication lag over time' }),
    );
    // recharts draws once it has measured its container, a render later
    expect(await chart.findByText('RPO 1 min')).toBeInTheDocument();
    expect(chart.getByText('Lag (seconds)')).toBeInTheDocument();
    expect(chart.getByText('Lag (bytes)')).toBeInTheDocument();
  });

  it('reads the history over the window the user picks', async () => {
    const getReplication = jest.fn(
      async (_: unknown, window: Parameters<RegionsApi['getReplication']>[1]) =>
        primaryReplication(window),
    );
    renderTab(studioPrimary, fakeRegionsApi({ getReplication }));

    expect(await screen.findByText('Replicas (3)')).toBeInTheDocument();
    expect(getReplication).toHaveBeenLastCalledWith(
      { namespace: 'default', name: 'studio-primary' },
      '24h',
    );
    expect(screen.getByRole('button', { name: '24 h' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );

    await userEvent.click(screen.getByRole('button', { name: '7 d' }));

    expect(getReplication).toHaveBeenLastCalledWith(
      { namespace: 'default', name: 'studio-primary' },
      '7d',
    );
    expect(
      await screen.findByRole('button', { name: '7 d', pressed: true }),
    ).toBeInTheDocument();
  });

  it('starts from the window in the URL', async () => {
    const getReplication = jest.fn(async () => primaryReplication('30d'));
    renderTab(studioPrimary, fakeRegionsApi({ getReplication }), [
      '/?window=30d',
    ]);

    expect(await screen.findByText('Replicas (3)')).toBeInTheDocument();
    expect(getReplication).toHaveBeenCalledWith(
      { namespace: 'default', name: 'studio-primary' },
      '30d',
    );
  });
});
