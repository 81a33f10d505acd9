import { mockApis } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { interruptedSwitchover } from '../../testing/failoverFixtures';
import { awaitingApprovalSwitchover } from '../../testing/lifecycleRunFixtures';
import { fakeRegionsApi } from '../../testing/fixtures';
import { denyFailoversOf } from './__testUtils__/permissions';
import { expand, renderFailoversTab } from './__testUtils__/renderFailoversTab';

// The first render of a file loads the app's lazy parts on a shared 2-core machine.
jest.setTimeout(20_000);

const reason =
  'You may not run failovers of this region (permission regions.failover.run: owners of the region may).';

// In a file of its own: the permission hooks cache decisions across the tests of a file.
describe('FailoversTab for a user who may not run failovers of the region', () => {
  it('disables "Fail over…" and says why', async () => {
    const permission = denyFailoversOf(['region:default/studio-primary']);
    renderFailoversTab({ apis: [permission.api] });
    await screen.findByRole('table', { name: 'Failover runs' });

    expect(await screen.findByText(reason)).toBeInTheDocument();
    const failOver = screen.getByRole('button', { name: 'Fail over…' });
    expect(failOver).toBeDisabled();
    expect(failOver).toHaveAccessibleDescription(reason);
    expect(permission.requests).toContainEqual({
      permission: 'regions.failover.run',
      resourceRef: 'region:default/studio-primary',
    });
  });

  it('disables Resume of an interrupted run and says why', async () => {
    const permission = denyFailoversOf(['region:default/studio-primary']);
    renderFailoversTab({
      apis: [permission.api],
      regionsApi: fakeRegionsApi({
        listFailovers: async () => ({ runs: [interruptedSwitchover()] }),
      }),
    });
    await screen.findByRole('table', { name: 'Failover runs' });

    const detail = await expand('run-interrupted');
    expect(await detail.findByText(reason)).toBeInTheDocument();
    expect(detail.getByRole('button', { name: 'Resume' })).toBeDisabled();
  });

  it('offers no Approve, says why, and disables Cancel of a run awaiting approval', async () => {
    const permission = denyFailoversOf(['region:default/studio-primary']);
    renderFailoversTab({
      apis: [
        permission.api,
        mockApis.identity({ userEntityRef: 'user:default/dan' }),
      ],
      regionsApi: fakeRegionsApi({
        listFailovers: async () => ({ runs: [awaitingApprovalSwitchover()] }),
      }),
    });
    await screen.findByRole('table', { name: 'Failover runs' });

    const detail = await expand('run-awaiting');
    expect(await detail.findAllByText(reason)).toHaveLength(2);
    expect(
      detail.queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
    expect(detail.getByRole('button', { name: 'Cancel run' })).toBeDisabled();
  });
});
