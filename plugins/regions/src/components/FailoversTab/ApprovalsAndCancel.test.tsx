import { mockApis } from '@backstage/frontend-test-utils';
import { FailoverRun } from '@meridian/plugin-regions-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RegionsApi } from '../../api';
import {
  failoverStartedAt,
  runningSwitchover,
} from '../../testing/failoverFixtures';
import { fakeRegionsApi } from '../../testing/fixtures';
import {
  awaitingApprovalSwitchover,
  cancelledBetweenSteps,
  cancelledSwitchover,
  expiredSwitchover,
} from '../../testing/lifecycleRunFixtures';
import {
  backendError,
  expand,
  renderFailoversTab,
  rowOf,
} from './__testUtils__/renderFailoversTab';

// These tests click through Material UI dialogs on a shared 2-core machine.
jest.setTimeout(30_000);

/** The tab as `user` sees it, the runs listed by `regionsApi`. */
async function renderAs(user: string, regionsApi: RegionsApi) {
  renderFailoversTab({
    regionsApi,
    apis: [mockApis.identity({ userEntityRef: user })],
  });
  await screen.findByRole('table', { name: 'Failover runs' });
}

function listing(...runs: FailoverRun[]) {
  return async () => ({ runs });
}

describe('approvals and cancel', () => {
  beforeEach(() => {
    jest
      .spyOn(Date, 'now')
      .mockReturnValue(Date.parse(failoverStartedAt) + 5000);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('shows a run awaiting approval to its creator with what it needs, has and until when, but no Approve, and follows it live', async () => {
    const listFailovers = jest.fn(listing(awaitingApprovalSwitchover()));
    await renderAs('user:default/ana', fakeRegionsApi({ listFailovers }));

    expect(
      rowOf('run-awaiting').getByText('awaiting approval'),
    ).toBeInTheDocument();
    const run = await expand('run-awaiting');
    const approvals = within(run.getByRole('region', { name: 'Approvals' }));
    expect(
      approvals.getByText('Waiting for approvals: 1 of 2'),
    ).toBeInTheDocument();
    expect(approvals.getByText('in 27 min 55 s')).toBeInTheDocument();
    const given = within(
      approvals.getByRole('list', { name: 'Approvals given' }),
    );
    expect(given.getByRole('link', { name: 'carla' })).toHaveAttribute(
      'href',
      '/catalog/default/user/carla',
    );
    expect(given.getByText('1 min 5 s ago')).toBeInTheDocument();
    expect(
      await approvals.findByText(
        'You started it: another owner must approve it.',
      ),
    ).toBeInTheDocument();
    expect(
      approvals.queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
    expect(
      within(
        run.getByRole('listitem', { name: 'Approvals of the other owners' }),
      ).getByText(/^running/),
    ).toBeInTheDocument();
    expect(run.getByText('Steps (live)')).toBeInTheDocument();

    // a waiting run is followed like a running one
    const calls = listFailovers.mock.calls.length;
    await waitFor(
      () => expect(listFailovers.mock.calls.length).toBeGreaterThan(calls),
      { timeout: 3000 },
    );
  });

  it('lets another owner approve it, and follows the run', async () => {
    let run = awaitingApprovalSwitchover();
    const approveFailover = jest.fn(async (id: string) => {
      run = {
        ...runningSwitchover(1),
        id,
        approvalsRequired: 2,
        approvals: [
          ...run.approvals,
          { by: 'user:default/dan', at: failoverStartedAt },
        ],
      };
      return { id, status: 'running' as const };
    });
    await renderAs(
      'user:default/dan',
      fakeRegionsApi({
        listFailovers: async () => ({ runs: [run] }),
        approveFailover,
      }),
    );

    const detail = await expand('run-awaiting');
    await userEvent.click(
      await detail.findByRole('button', { name: 'Approve' }),
    );

    expect(approveFailover).toHaveBeenCalledWith('run-awaiting');
    await waitFor(() =>
      expect(rowOf('run-awaiting').getByText('running')).toBeInTheDocument(),
    );
    // who approved it stays on the run
    const approvals = within(detail.getByRole('region', { name: 'Approvals' }));
    expect(approvals.getByText('Needed 2 approvals:')).toBeInTheDocument();
    expect(approvals.getByRole('link', { name: 'dan' })).toBeInTheDocument();
  });

  it.each([
    [
      409,
      'ConflictError',
      'run run-awaiting was already approved by user:default/dan',
      'The run cannot be approved: run run-awaiting was already approved by user:default/dan',
    ],
    [
      403,
      'NotAllowedError',
      'user:default/dan may not run failovers of region:default/studio-sul',
      'You are not allowed to run this failover (permission regions.failover.run on both regions: their owners may): user:default/dan may not run failovers of region:default/studio-sul',
    ],
  ])(
    "shows the backend's refusal to approve (%i) in its words",
    async (status, name, message, shown) => {
      const refusal = await backendError(status, name, message);
      await renderAs(
        'user:default/dan',
        fakeRegionsApi({
          listFailovers: listing(awaitingApprovalSwitchover()),
          approveFailover: async () => {
            throw refusal;
          },
        }),
      );

      const detail = await expand('run-awaiting');
      const approve = await detail.findByRole('button', { name: 'Approve' });
      await userEvent.click(approve);

      expect(await detail.findByText(shown)).toBeInTheDocument();
      expect(approve).toBeEnabled();
    },
  );

  it('says so to an owner who has approved it already', async () => {
    await renderAs(
      'user:default/carla',
      fakeRegionsApi({ listFailovers: listing(awaitingApprovalSwitchover()) }),
    );

    const detail = await expand('run-awaiting');
    expect(
      await detail.findByText('You have approved it.'),
    ).toBeInTheDocument();
    expect(
      detail.queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
  });

  it('cancels a running run once confirmed, saying it stops between steps', async () => {
    const cancelFailover = jest.fn(async (id: string) => ({
      id,
      status: 'running' as const,
    }));
    await renderAs(
      'user:default/bruno',
      fakeRegionsApi({
        listFailovers: listing(runningSwitchover(2)),
        cancelFailover,
      }),
    );

    const detail = await expand('run-live');
    await userEvent.click(detail.getByRole('button', { name: 'Cancel run' }));
    let confirm = within(await screen.findByRole('dialog'));
    expect(
      confirm.getByRole('heading', {
        name: 'Cancel the switchover studio-primary → studio-sul?',
      }),
    ).toBeInTheDocument();
    expect(
      confirm.getByText(
        /^It stops between steps: .* reports what was and was not changed\.$/,
      ),
    ).toBeInTheDocument();

    // changing one's mind cancels nothing
    await userEvent.click(
      confirm.getByRole('button', { name: 'Keep it running' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(cancelFailover).not.toHaveBeenCalled();

    await userEvent.click(detail.getByRole('button', { name: 'Cancel run' }));
    confirm = within(await screen.findByRole('dialog'));
    const cancel = confirm.getByRole('button', {
      name: 'Cancel the switchover studio-primary → studio-sul',
    });
    // it stops production work: the theme's error red
    expect(cancel).toHaveStyle({ backgroundColor: 'rgb(244, 67, 54)' });
    await userEvent.click(cancel);
    expect(cancelFailover).toHaveBeenCalledTimes(1);
    expect(cancelFailover).toHaveBeenCalledWith('run-live');
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it("cancels a run awaiting approval, and shows the backend's refusal in the confirmation", async () => {
    const conflict = await backendError(
      409,
      'ConflictError',
      'run run-awaiting has expired',
    );
    const cancelFailover = jest
      .fn()
      .mockRejectedValueOnce(conflict)
      .mockResolvedValueOnce({ id: 'run-awaiting', status: 'cancelled' });
    await renderAs(
      'user:default/ana',
      fakeRegionsApi({
        listFailovers: listing(awaitingApprovalSwitchover()),
        cancelFailover,
      }),
    );

    const detail = await expand('run-awaiting');
    await userEvent.click(detail.getByRole('button', { name: 'Cancel run' }));
    const confirm = within(await screen.findByRole('dialog'));
    expect(
      confirm.getByText('Nothing has been changed yet: it will not run.'),
    ).toBeInTheDocument();
    const cancel = confirm.getByRole('button', {
      name: 'Cancel the switchover studio-primary → studio-sul',
    });
    await userEvent.click(cancel);
    expect(
      await confirm.findByText(
        'The run cannot be cancelled: run run-awaiting has expired',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();

    await userEvent.click(cancel);
    expect(cancelFailover).toHaveBeenCalledTimes(2);
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('gives cancelled and expired runs chips of their own, who cancelled, what changed and that nobody approved in time', async () => {
    await renderAs(
      'user:default/ana',
      fakeRegionsApi({
        listFailovers: listing(cancelledSwitchover(), expiredSwitchover()),
      }),
    );

    expect(rowOf('run-cancelled').getByText('cancelled')).toBeInTheDocument();
    expect(rowOf('run-expired').getByText('expired')).toBeInTheDocument();

    const cancelled = await expand('run-cancelled');
    expect(cancelled.getByText(/^Cancelled by/)).toHaveTextContent(
      'Cancelled by bruno.',
    );
    expect(cancelled.getByText(cancelledBetweenSteps)).toBeInTheDocument();
    expect(
      cancelled.queryByRole('button', { name: 'Cancel run' }),
    ).not.toBeInTheDocument();

    const expired = await expand('run-expired');
    expect(
      within(expired.getByRole('region', { name: 'Approvals' })).getByText(
        /^Expired: 0 of 1 approvals were given before its deadline/,
      ),
    ).toHaveTextContent(/Nothing was changed\.$/);
    expect(expired.queryByRole('button')).not.toBeInTheDocument();
  });
});
