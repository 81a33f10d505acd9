import { FailoverRun } from '@meridian/plugin-regions-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  attestedFailover,
  failoverStartedAt,
  interruptedSwitchover,
  primaryPoweredOff,
  succeededSwitchover,
} from '../../testing/failoverFixtures';
import { fakeRegionsApi } from '../../testing/fixtures';
import {
  backendError,
  expand,
  renderFailoversTab,
  rowOf,
} from './__testUtils__/renderFailoversTab';

// The first render of a file loads the app's lazy parts on a shared 2-core machine.
jest.setTimeout(20_000);

function listing(...runs: FailoverRun[]) {
  return async () => ({ runs });
}

describe('FailoverRunDetail', () => {
  beforeEach(() => {
    jest
      .spyOn(Date, 'now')
      .mockReturnValue(Date.parse(failoverStartedAt) + 5000);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it("shows how the old primary was fenced and the operator's attestation", async () => {
    renderFailoversTab({
      regionsApi: fakeRegionsApi({
        listFailovers: listing(attestedFailover()),
      }),
    });
    await screen.findByRole('table', { name: 'Failover runs' });

    const run = await expand('run-failover-attested');
    const fence = within(run.getByRole('region', { name: 'Fence' }));
    expect(
      fence.getByText(
        "Old primary fenced on the operator's word only (attested)",
      ),
    ).toBeInTheDocument();
    expect(
      fence.getByText(`user:default/bruno attests: "${primaryPoweredOff}"`),
    ).toBeInTheDocument();
    expect(
      fence.getByText('+650 ms after the run started'),
    ).toBeInTheDocument();

    const attestation = within(
      run.getByRole('region', { name: "Operator's attestation" }),
    );
    expect(attestation.getByText(primaryPoweredOff)).toBeInTheDocument();
    expect(attestation.getByRole('link', { name: 'bruno' })).toHaveAttribute(
      'href',
      '/catalog/default/user/bruno',
    );
    expect(
      run.getByText('Resumed 1 time after the backend executing it stopped.'),
    ).toBeInTheDocument();
  });

  it("shows the split-brain guard's late re-fence like the other steps, with its error", async () => {
    renderFailoversTab({
      regionsApi: fakeRegionsApi({
        listFailovers: listing(attestedFailover()),
      }),
    });
    await screen.findByRole('table', { name: 'Failover runs' });

    const run = await expand('run-failover-attested');
    const error =
      'studio-primary-db could not be fenced: no fencer is configured for it. Both studio-primary-db and studio-sul-db accept writes; stop studio-primary-db now.';
    // the planned steps end with the record; the re-fence comes after the run
    const planned = within(run.getByRole('list', { name: 'Steps' }));
    expect(planned.getAllByRole('listitem')).toHaveLength(6);
    const refence = within(
      within(run.getByRole('list', { name: 'After the run' })).getByRole(
        'listitem',
        { name: 'Fence the old primary again' },
      ),
    );
    expect(
      refence.getByText('failed · started +1 h, took 900 ms'),
    ).toBeInTheDocument();
    // a log line in LogViewer, after its time since the run started
    expect(
      await refence.findByText(
        /^\+1 h.* studio-primary-db answers and is not in recovery$/,
      ),
    ).toBeInTheDocument();
    expect(refence.getByText(error)).toBeInTheDocument();
    // and at the top of the run, since both regions may now take writes
    expect(
      run.getByText(
        /could not be fenced anew: both regions may be taking writes/,
      ),
    ).toHaveTextContent(error);
  });

  it('says how a canary switchover shifted traffic', async () => {
    renderFailoversTab({
      regionsApi: fakeRegionsApi({
        listFailovers: listing({
          ...succeededSwitchover(),
          canary: { percents: [10, 25, 50, 100] },
        }),
      }),
    });
    await screen.findByRole('table', { name: 'Failover runs' });

    const run = await expand('run-switchover-1');
    expect(
      run.getByText(
        'Traffic to studio-sul in steps (canary): 10% → 25% → 50% → 100%, each held 30 s before its health check.',
      ),
    ).toBeInTheDocument();
  });

  it('resumes an interrupted run and follows it live', async () => {
    let run = interruptedSwitchover();
    const listFailovers = jest.fn(async () => ({ runs: [run] }));
    const resumeFailover = jest.fn(async (id: string) => {
      run = { ...run, status: 'running', resumes: 1 };
      return { id, status: 'running' as const };
    });
    renderFailoversTab({
      regionsApi: fakeRegionsApi({ listFailovers, resumeFailover }),
    });
    await screen.findByRole('table', { name: 'Failover runs' });

    const detail = await expand('run-interrupted');
    expect(
      detail.getByText(
        /The backend executing this run stopped before it ended/,
      ),
    ).toBeInTheDocument();
    expect(
      within(detail.getByRole('region', { name: 'Fence' })).getByText(
        'Old primary fenced over its own connection (sql)',
      ),
    ).toBeInTheDocument();
    await userEvent.click(detail.getByRole('button', { name: 'Resume' }));

    expect(resumeFailover).toHaveBeenCalledWith('run-interrupted');
    await waitFor(() =>
      expect(rowOf('run-interrupted').getByText('running')).toBeInTheDocument(),
    );
    expect(detail.getByText('Steps (live)')).toBeInTheDocument();
    expect(
      detail.queryByRole('button', { name: 'Resume' }),
    ).not.toBeInTheDocument();
    // followed: polled every second while it runs
    const calls = listFailovers.mock.calls.length;
    await waitFor(
      () => expect(listFailovers.mock.calls.length).toBeGreaterThan(calls),
      { timeout: 3000 },
    );
  });

  it("shows the backend's refusal to resume", async () => {
    const conflict = await backendError(
      409,
      'ConflictError',
      'run run-other holds region:default/studio-sul',
    );
    renderFailoversTab({
      regionsApi: fakeRegionsApi({
        listFailovers: listing(interruptedSwitchover()),
        resumeFailover: async () => {
          throw conflict;
        },
      }),
    });
    await screen.findByRole('table', { name: 'Failover runs' });

    const detail = await expand('run-interrupted');
    const resume = detail.getByRole('button', { name: 'Resume' });
    await userEvent.click(resume);

    expect(
      await detail.findByText(
        'The run cannot be resumed: run run-other holds region:default/studio-sul',
      ),
    ).toBeInTheDocument();
    expect(resume).toBeEnabled();
    expect(
      rowOf('run-interrupted').getByText('interrupted'),
    ).toBeInTheDocument();
  });
});
