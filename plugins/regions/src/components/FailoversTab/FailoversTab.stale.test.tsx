import { act, screen, waitFor, within } from '@testing-library/react';
import {
  failoverStartedAt,
  runningSwitchover,
  succeededSwitchover,
} from '../../testing/failoverFixtures';
import { fakeRegionsApi, studioPrimary } from '../../testing/fixtures';
import {
  backendError,
  renderFailoversTab,
  rowOf,
} from './__testUtils__/renderFailoversTab';

// The first render of a file loads the app's lazy parts on a shared 2-core machine.
jest.setTimeout(30_000);

describe('FailoversTab through backend failures', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse(failoverStartedAt) + 300 });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('keeps a live run on screen through failed refreshes, says how old it is, and follows it again once the backend answers', async () => {
    let progress = 1;
    let down = false;
    const listFailovers = jest.fn(async () => {
      if (down) {
        throw new Error('Request failed with 503 Service Unavailable');
      }
      return { runs: [runningSwitchover(progress), succeededSwitchover()] };
    });
    renderFailoversTab({
      entity: studioPrimary,
      regionsApi: fakeRegionsApi({ listFailovers }),
      initialRouteEntries: ['/?run=run-live'],
    });
    const run = within(
      await screen.findByRole('region', { name: 'Run run-live' }),
    );
    expect(run.getByText('Steps (live)')).toBeInTheDocument();

    down = true;
    await act(() => jest.advanceTimersByTimeAsync(1000));
    expect(
      await screen.findByText(
        /Showing the runs from \d+ s ago — refresh failed: Request failed with 503 Service Unavailable$/,
      ),
    ).toBeInTheDocument();
    // the last good answer stays: the run, its steps, still marked live
    expect(run.getByText('Steps (live)')).toBeInTheDocument();
    expect(rowOf('run-live').getByText('running')).toBeInTheDocument();

    // retried with a growing delay, not given up
    const failedCalls = listFailovers.mock.calls.length;
    await act(() => jest.advanceTimersByTimeAsync(2000));
    await act(() => jest.advanceTimersByTimeAsync(4000));
    expect(listFailovers.mock.calls.length).toBe(failedCalls + 2);

    down = false;
    progress = 6;
    await act(() => jest.advanceTimersByTimeAsync(8000));
    await waitFor(() =>
      expect(rowOf('run-live').getByText('succeeded')).toBeInTheDocument(),
    );
    expect(screen.queryByText(/refresh failed/)).not.toBeInTheDocument();
    expect(run.queryByText('Steps (live)')).not.toBeInTheDocument();
  });

  it('stops following a ?run= link to a run the backend does not know, and says so', async () => {
    const notFound = await backendError(
      404,
      'NotFoundError',
      'No failover run run-typo',
    );
    const getFailover = jest.fn(async () => {
      throw notFound;
    });
    const listFailovers = jest.fn(async () => ({
      runs: [succeededSwitchover()],
    }));
    renderFailoversTab({
      entity: studioPrimary,
      regionsApi: fakeRegionsApi({ listFailovers, getFailover }),
      initialRouteEntries: ['/?run=run-typo'],
    });

    expect(
      await screen.findByText(
        /Run run-typo is not known to the regions backend: it is no longer followed$/,
      ),
    ).toBeInTheDocument();
    // the other runs are shown as usual
    expect(
      rowOf(succeededSwitchover().id).getByText('succeeded'),
    ).toBeVisible();

    const calls = {
      list: listFailovers.mock.calls.length,
      get: getFailover.mock.calls.length,
    };
    await act(() => jest.advanceTimersByTimeAsync(30_000));
    expect(getFailover).toHaveBeenCalledTimes(calls.get);
    expect(listFailovers).toHaveBeenCalledTimes(calls.list);
  });
});
