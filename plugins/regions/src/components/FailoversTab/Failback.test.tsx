import { FailoverRequest } from '@meridian/plugin-regions-common';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { switchedOverTopology } from '../../testing/driftFixtures';
import {
  failoverStartedAt,
  passingPreview,
  refusedFailover,
  succeededSwitchover,
} from '../../testing/failoverFixtures';
import {
  fakeRegionsApi,
  studioPrimary,
  studioSul,
} from '../../testing/fixtures';
import { FAILBACK_POLL_MS } from './FailbackOffer';
import { expand, renderFailoversTab } from './__testUtils__/renderFailoversTab';

// These tests type and click through Material UI on a shared 2-core machine.
jest.setTimeout(30_000);

/** The topology after run-switchover-1, studio-primary re-attached or not. */
function afterSwitchover(reattached: boolean) {
  return fakeRegionsApi({
    getTopology: async () => switchedOverTopology(reattached),
    listFailovers: async () => ({
      runs: [succeededSwitchover(), refusedFailover()],
    }),
  });
}

async function openDialog() {
  await screen.findByRole('table', { name: 'Failover runs' });
  await userEvent.click(screen.getByRole('button', { name: 'Fail over…' }));
  return within(await screen.findByRole('dialog'));
}

describe('Failing back', () => {
  beforeEach(() => {
    jest
      .spyOn(Date, 'now')
      .mockReturnValue(Date.parse(failoverStartedAt) + 5000);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it("offers the old primary, re-attached, as a standby on the new primary's page, whatever the catalog declares", async () => {
    // studio-sul's entity still declares it a warm standby of studio-primary
    renderFailoversTab({
      entity: studioSul,
      regionsApi: afterSwitchover(true),
    });

    const dialog = await openDialog();
    const standby = await dialog.findByRole('radio', {
      name: /studio-sul → studio-primary/,
    });
    expect(standby).toBeChecked();
    const label = within(standby.closest('label')!);
    expect(label.getByText('standby')).toBeInTheDocument();
    expect(
      label.getByRole('img', { name: /^Role drift: declared primary/ }),
    ).toBeInTheDocument();
    // studio-sul is the primary now: nothing promotes it in place of studio-primary
    expect(
      dialog.queryByRole('radio', { name: /studio-primary → studio-sul/ }),
    ).not.toBeInTheDocument();
  });

  it("offers nothing to promote on the fenced old primary's page before it is re-attached", async () => {
    renderFailoversTab({
      entity: studioPrimary,
      regionsApi: afterSwitchover(false),
    });

    const dialog = await openDialog();
    expect(
      await dialog.findByText(/there is no standby to promote/),
    ).toBeInTheDocument();
    expect(dialog.queryByRole('radio', { name: /→/ })).not.toBeInTheDocument();
  });

  it('fails back from a succeeded switchover: the dialog opens preset, and a canary is sent as typed', async () => {
    const previewFailover = jest.fn(async (_: FailoverRequest) =>
      passingPreview(),
    );
    const startFailover = jest.fn(async () => ({
      id: 'run-failback',
      status: 'pending' as const,
    }));
    renderFailoversTab({
      entity: studioSul,
      regionsApi: fakeRegionsApi({
        ...afterSwitchover(true),
        previewFailover,
        startFailover,
      }),
    });
    await screen.findByRole('table', { name: 'Failover runs' });

    const run = await expand('run-switchover-1');
    expect(
      await run.findByText(/studio-primary streams from studio-sul again/),
    ).toBeInTheDocument();
    await userEvent.click(run.getByRole('button', { name: 'Fail back' }));

    const dialog = within(await screen.findByRole('dialog'));
    expect(
      dialog.getByRole('heading', { name: 'Fail back to studio-primary' }),
    ).toBeInTheDocument();
    expect(
      await dialog.findByRole('radio', { name: /studio-sul → studio-primary/ }),
    ).toBeChecked();
    expect(dialog.getByRole('radio', { name: /^Switchover/ })).toBeChecked();

    await userEvent.click(
      dialog.getByRole('checkbox', { name: 'Shift traffic in steps (canary)' }),
    );
    const percents = dialog.getByLabelText(
      'Traffic on studio-primary after each step (%)',
    );
    expect(percents).toHaveValue('10, 25, 50, 100');
    expect(dialog.getByLabelText('Hold each step (seconds)')).toHaveValue(30);

    await userEvent.type(
      dialog.getByLabelText('Type studio-sul to confirm'),
      'studio-sul',
    );
    const start = dialog.getByRole('button', {
      name: 'Switch over studio-sul → studio-primary',
    });
    await waitFor(() => expect(start).toBeEnabled());

    // steps that do not rise to 100 make no canary: nothing to start
    await userEvent.clear(percents);
    await userEvent.type(percents, '50, 25');
    expect(start).toBeDisabled();
    await userEvent.clear(percents);
    await userEvent.type(percents, '20, 50, 100');
    const pause = dialog.getByLabelText('Hold each step (seconds)');
    await userEvent.clear(pause);
    await userEvent.type(pause, '60');

    const expected = {
      region: 'region:default/studio-sul',
      target: 'region:default/studio-primary',
      mode: 'switchover',
      canary: { percents: [20, 50, 100], pauseSeconds: 60 },
    };
    // the pre-flight says whether the traffic switches can weigh
    await waitFor(() =>
      expect(previewFailover).toHaveBeenLastCalledWith(expected),
    );
    await waitFor(() => expect(start).toBeEnabled());
    await userEvent.click(start);
    expect(startFailover).toHaveBeenCalledWith(expected);
  });

  it('shows the steps that re-attach the old primary until it streams from the new one', async () => {
    let reattached = false;
    renderFailoversTab({
      entity: studioSul,
      regionsApi: fakeRegionsApi({
        getTopology: async () => switchedOverTopology(reattached),
      }),
    });
    await screen.findByRole('table', { name: 'Failover runs' });

    const run = await expand('run-switchover-1');
    expect(
      await run.findByText(
        'To fail back, first re-attach studio-primary as a standby of studio-sul',
      ),
    ).toBeInTheDocument();
    expect(
      run.getByText(
        /studio-primary does not stream from studio-sul \(its node says it is fenced\)/,
      ),
    ).toBeInTheDocument();
    const steps = within(run.getByRole('list', { name: 'Re-attach steps' }));
    expect(steps.getAllByRole('listitem')).toHaveLength(5);
    expect(steps.getByText('pg_rewind')).toBeInTheDocument();
    expect(steps.getByText('standby.signal')).toBeInTheDocument();
    expect(steps.getByText('primary_conninfo')).toBeInTheDocument();
    expect(
      run.getByRole('link', { name: 'Failback (pg_rewind)' }),
    ).toHaveAttribute(
      'href',
      '/docs/default/region/studio-sul/runbooks/failback/',
    );
    expect(
      run.queryByRole('button', { name: 'Fail back' }),
    ).not.toBeInTheDocument();

    reattached = true;
    await userEvent.click(run.getByRole('button', { name: 'Check again' }));
    expect(
      await run.findByRole('button', { name: 'Fail back' }),
    ).toBeInTheDocument();
    expect(
      run.queryByRole('list', { name: 'Re-attach steps' }),
    ).not.toBeInTheDocument();
  });

  it('offers no failback once the target is no longer the primary, nor after a refused run', async () => {
    // before any switchover: studio-sul is the standby it is declared
    const getTopology = jest.fn(fakeRegionsApi().getTopology);
    renderFailoversTab({
      entity: studioSul,
      regionsApi: fakeRegionsApi({ getTopology }),
    });
    await screen.findByRole('table', { name: 'Failover runs' });

    const switchover = await expand('run-switchover-1');
    await waitFor(() => expect(getTopology).toHaveBeenCalled());
    const refused = await expand('run-failover-refused');
    for (const run of [switchover, refused]) {
      expect(
        run.queryByRole('button', { name: 'Fail back' }),
      ).not.toBeInTheDocument();
      expect(run.queryByText(/re-attach/)).not.toBeInTheDocument();
    }
  });
});

describe('The failback offer after a switchover, without a reload', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('shows the re-attach steps once the collector observes the promotion, then Fail back once the old primary streams again, and stops looking', async () => {
    const switchover = succeededSwitchover();
    jest.useFakeTimers({ now: Date.parse(switchover.finishedAt!) + 30_000 });
    // the collector has not sampled since the run: studio-sul still reads as the standby
    let observed: 'nothing yet' | 'fenced' | 'reattached' = 'nothing yet';
    const before = fakeRegionsApi().getTopology;
    const getTopology = jest.fn(async () =>
      observed === 'nothing yet'
        ? before()
        : switchedOverTopology(observed === 'reattached'),
    );
    renderFailoversTab({
      entity: studioSul,
      regionsApi: fakeRegionsApi({ getTopology }),
      initialRouteEntries: ['/?run=run-switchover-1'],
    });
    const run = within(
      await screen.findByRole('region', { name: 'Run run-switchover-1' }),
    );
    await waitFor(() => expect(getTopology).toHaveBeenCalled());
    expect(run.queryByText(/re-attach/)).not.toBeInTheDocument();

    observed = 'fenced';
    await act(() => jest.advanceTimersByTimeAsync(FAILBACK_POLL_MS));
    expect(
      await run.findByText(
        'To fail back, first re-attach studio-primary as a standby of studio-sul',
      ),
    ).toBeInTheDocument();

    observed = 'reattached';
    await act(() => jest.advanceTimersByTimeAsync(FAILBACK_POLL_MS));
    expect(
      await run.findByRole('button', { name: 'Fail back' }),
    ).toBeInTheDocument();

    // ready: nothing more to wait for
    const calls = getTopology.mock.calls.length;
    await act(() => jest.advanceTimersByTimeAsync(6 * FAILBACK_POLL_MS));
    expect(getTopology).toHaveBeenCalledTimes(calls);
  });
});
