import { screen } from '@testing-library/react';
import { denyFailoversOf } from './__testUtils__/permissions';
import { renderFailoversTab } from './__testUtils__/renderFailoversTab';

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
});
