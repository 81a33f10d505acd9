import { Entity } from '@backstage/catalog-model';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RegionsApi } from '../../api';
import {
  failoverStartedAt,
  runningSwitchover,
  succeededSwitchover,
} from '../../testing/failoverFixtures';
import {
  fakeRegionsApi,
  studioPelotas,
  studioPrimary,
  studioSul,
} from '../../testing/fixtures';
import {
  backendError,
  expand,
  renderFailoversTab,
  rowOf,
} from './__testUtils__/renderFailoversTab';

// The first render of a file loads the app's lazy parts on a shared 2-core machine.
jest.setTimeout(20_000);

function renderTab(
  entity: Entity = studioPrimary,
  regionsApi: RegionsApi = fakeRegionsApi(),
  initialRouteEntries?: string[],
) {
  return renderFailoversTab({ entity, regionsApi, initialRouteEntries });
}

describe('FailoversTab', () => {
  describe('with a fixed clock', () => {
    beforeEach(() => {
      jest
        .spyOn(Date, 'now')
        .mockReturnValue(Date.parse(failoverStartedAt) + 5000);
    });

    afterEach(() => {
      jest.restoreAllMocks();
    });

    it('shows progress while the runs load', async () => {
      renderTab(
        studioPrimary,
        fakeRegionsApi({ listFailovers: () => new Promise(() => {}) }),
      );

      // the first render of a test file loads the app's lazy parts
      expect(
        await screen.findByTestId('progress', undefined, { timeout: 5000 }),
      ).toBeInTheDocument();
      expect(screen.queryByRole('table')).not.toBeInTheDocument();
    });

    it('invites a drill when no failover has run for the region', async () => {
      renderTab(studioPelotas);

      expect(
        await screen.findByText('No failover has run for this region yet'),
      ).toBeInTheDocument();
      expect(screen.getByText(/Run a drill first/)).toBeInTheDocument();
      expect(
        screen.getByRole('button', { name: 'Fail over…' }),
      ).toBeInTheDocument();
    });

    it('lists every run, newest first, with its outcome', async () => {
      renderTab();

      const table = await screen.findByRole('table', { name: 'Failover runs' });
      const rows = within(table)
        .getAllByRole('button', { name: /^Show steps of run/ })
        .map(button => button.getAttribute('aria-label'));
      expect(rows).toEqual([
        'Show steps of run run-switchover-1',
        'Show steps of run run-failover-refused',
      ]);

      const switchover = rowOf('run-switchover-1');
      expect(switchover.getByText('Switchover')).toBeInTheDocument();
      expect(
        switchover.getByRole('link', { name: 'studio-primary' }),
      ).toHaveAttribute('href', '/catalog/default/region/studio-primary');
      expect(
        switchover.getByRole('link', { name: 'studio-sul' }),
      ).toHaveAttribute('href', '/catalog/default/region/studio-sul');
      expect(switchover.getByRole('link', { name: 'ana' })).toHaveAttribute(
        'href',
        '/catalog/default/user/ana',
      );
      expect(switchover.getByText('succeeded')).toBeInTheDocument();
      expect(switchover.getByText('412 ms')).toBeInTheDocument();
      expect(switchover.getByText('0 B')).toBeInTheDocument();
      expect(switchover.getByText('1.9 s')).toBeInTheDocument();
      expect(switchover.getByText('26 h 30 min 5 s ago')).toBeInTheDocument();

      const refused = rowOf('run-failover-refused');
      expect(refused.getByText('Emergency failover')).toBeInTheDocument();
      expect(refused.getByText('refused')).toBeInTheDocument();
      expect(refused.getAllByText('—')).toHaveLength(2);
      expect(refused.getByText('90 ms')).toBeInTheDocument();
    });

    it('expands a run to its pre-flight checks, timed steps and logs', async () => {
      renderTab();
      await screen.findByRole('table', { name: 'Failover runs' });

      const run = await expand('run-switchover-1');
      expect(
        run.getByText('Writes were unavailable for 412 ms; data loss 0 B.'),
      ).toBeInTheDocument();

      const checks = within(
        run.getByRole('list', { name: 'Pre-flight checks' }),
      );
      expect(checks.getByText('Lag within the limit')).toBeInTheDocument();
      expect(checks.getByText('lag 12 KiB ≤ limit 1 MiB')).toBeInTheDocument();
      expect(checks.getByText('readiness not evaluated')).toBeInTheDocument();

      const fence = within(
        run.getByRole('listitem', { name: 'Fence the old primary' }),
      );
      expect(
        fence.getByText('succeeded · started +120 ms, took 520 ms'),
      ).toBeInTheDocument();
      // each log line in LogViewer, after its time since the run started
      expect(
        await fence.findByText('+130 ms CHECKPOINT on studio-primary-db'),
      ).toBeInTheDocument();
      expect(
        fence.getByText(
          /^\+\d+ ms studio-primary-db stopped \(pg_ctl stop -m fast\)$/,
        ),
      ).toBeInTheDocument();
      expect(
        run.getByText(
          /api-dns: api.example.test A 10.16.0.10 \(was 10.0.0.10\)$/,
        ),
      ).toBeInTheDocument();

      await userEvent.click(
        screen.getByRole('button', {
          name: 'Hide steps of run run-switchover-1',
        }),
      );
      await waitFor(() =>
        expect(
          screen.queryByRole('region', { name: 'Run run-switchover-1' }),
        ).not.toBeInTheDocument(),
      );
    });

    it('says why a refused run was refused and which checks force overrides', async () => {
      renderTab();
      await screen.findByRole('table', { name: 'Failover runs' });

      const run = await expand('run-failover-refused');
      expect(
        run.getByText(
          /Refused by the pre-flight checks: lag 3 MiB > limit 1 MiB/,
        ),
      ).toBeInTheDocument();
      expect(
        run.getByText(
          'lag 3 MiB > limit 1 MiB (force may override this check)',
        ),
      ).toBeInTheDocument();
      const preflight = within(
        run.getByRole('listitem', { name: 'Pre-flight checks' }),
      );
      expect(
        preflight.getByText('failed · started +0 ms, took 90 ms'),
      ).toBeInTheDocument();
      // the step names the check; the run's error above gives its detail
      expect(
        preflight.getByText(
          '1 of 5 checks refuse the run: Lag within the limit',
        ),
      ).toBeInTheDocument();
      expect(
        within(
          run.getByRole('listitem', { name: 'Promote the target' }),
        ).getByText('skipped'),
      ).toBeInTheDocument();
    });

    it('links to the runbooks of the region in TechDocs', async () => {
      renderTab(studioSul);
      await screen.findByRole('table', { name: 'Failover runs' });

      const runbooks = within(
        screen.getByRole('navigation', { name: 'Runbooks' }),
      );
      expect(
        runbooks.getByRole('link', { name: 'Emergency failover' }),
      ).toHaveAttribute(
        'href',
        '/docs/default/region/studio-sul/runbooks/failover/',
      );
      expect(
        runbooks.getByRole('link', { name: 'Switchover' }),
      ).toHaveAttribute(
        'href',
        '/docs/default/region/studio-sul/runbooks/switchover/',
      );
      expect(
        runbooks.getByRole('link', { name: 'Failback (pg_rewind)' }),
      ).toHaveAttribute(
        'href',
        '/docs/default/region/studio-sul/runbooks/failback/',
      );
      expect(runbooks.getByRole('link', { name: 'DR drill' })).toHaveAttribute(
        'href',
        '/docs/default/region/studio-sul/runbooks/dr-drill/',
      );

      const run = await expand('run-switchover-1');
      expect(run.getByRole('link', { name: 'Switchover' })).toHaveAttribute(
        'href',
        '/docs/default/region/studio-sul/runbooks/switchover/',
      );
    });

    it('says how to publish runbooks when the region has none', async () => {
      renderTab(studioPrimary);

      expect(
        await screen.findByText(/No runbooks are registered for this region/),
      ).toBeInTheDocument();
      expect(
        screen.queryByRole('navigation', { name: 'Runbooks' }),
      ).not.toBeInTheDocument();
    });

    it('shows the error when the backend is down', async () => {
      renderTab(
        studioPrimary,
        fakeRegionsApi({
          listFailovers: async () => {
            throw new Error('connect ECONNREFUSED 127.0.0.1:7007');
          },
        }),
      );

      expect(
        await screen.findByText(
          /Could not load failover runs from the regions backend/,
        ),
      ).toBeInTheDocument();
      expect(
        screen.getAllByText(/connect ECONNREFUSED 127.0.0.1:7007/)[0],
      ).toBeInTheDocument();
      // the dialog stays at hand: a run can be started with the list down
      expect(
        screen.getByRole('button', { name: 'Fail over…' }),
      ).toBeInTheDocument();
    });

    it('says so when the user may not see the runs', async () => {
      const forbidden = await backendError(
        403,
        'NotAllowedError',
        'Unauthorized',
      );
      renderTab(
        studioPrimary,
        fakeRegionsApi({
          listFailovers: async () => {
            throw forbidden;
          },
        }),
      );

      expect(
        await screen.findByText(
          /You are not allowed to see the failover runs of this region/,
        ),
      ).toBeInTheDocument();
    });
  });

  describe('while a run is in progress', () => {
    beforeEach(() => {
      jest.useFakeTimers({ now: Date.parse(failoverStartedAt) + 300 });
    });

    afterEach(() => {
      jest.useRealTimers();
    });

    it('refreshes every second, step by step, until the run ends', async () => {
      let progress = 1;
      const listFailovers = jest.fn(async () => ({
        runs: [runningSwitchover(progress), succeededSwitchover()],
      }));
      renderTab(studioPrimary, fakeRegionsApi({ listFailovers }), [
        '/?run=run-live',
      ]);

      const run = within(
        await screen.findByRole('region', { name: 'Run run-live' }),
      );
      const stepStatus = (title: string) =>
        within(run.getByRole('listitem', { name: title })).getByText(
          /^(pending|running|succeeded)/,
        ).textContent;
      expect(run.getByText('Steps (live)')).toBeInTheDocument();
      expect(stepStatus('Pre-flight checks')).toBe(
        'succeeded · started +0 ms, took 200 ms',
      );
      // Testing Library's waits advance the fake clock too: no exact running time
      expect(stepStatus('Fence the old primary')).toMatch(
        /^running · started \+200 ms, running for \d+ ms$/,
      );
      expect(stepStatus('Promote the target')).toBe('pending');
      expect(
        rowOf('run-live').getByText(/^\d+ ms so far$/),
      ).toBeInTheDocument();

      progress = 3;
      await act(() => jest.advanceTimersByTimeAsync(1000));
      await waitFor(() =>
        expect(stepStatus('Switch traffic')).toMatch(/^running/),
      );
      expect(stepStatus('Promote the target')).toBe(
        'succeeded · started +400 ms, took 200 ms',
      );
      expect(
        await run.findByText(/^\+\d+ ms pg_promote\(\) returned true$/),
      ).toBeInTheDocument();

      progress = 6;
      await act(() => jest.advanceTimersByTimeAsync(1000));
      await waitFor(() =>
        expect(rowOf('run-live').getByText('succeeded')).toBeInTheDocument(),
      );
      expect(rowOf('run-live').getByText('388 ms')).toBeInTheDocument();
      expect(
        run.getByText('Writes were unavailable for 388 ms; data loss 0 B.'),
      ).toBeInTheDocument();
      expect(run.queryByText('Steps (live)')).not.toBeInTheDocument();

      // nothing runs any more: no more polling
      const calls = listFailovers.mock.calls.length;
      await act(() => jest.advanceTimersByTimeAsync(5000));
      expect(listFailovers).toHaveBeenCalledTimes(calls);
    });
  });
});
