import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  promotedSulReplication,
  reattachedPrimaryReplication,
  sulFixYaml,
} from '../../testing/driftFixtures';
import {
  fakeRegionsApi,
  replicationSampledAt,
  studioPrimary,
  studioSul,
} from '../../testing/fixtures';
import { backendError } from '../FailoversTab/__testUtils__/renderFailoversTab';
import {
  fact,
  renderReplicationTab as renderTab,
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

/** The YAML of the drift's code block, once the highlighter has loaded. */
async function shownYaml() {
  const banner = screen.getByRole('region', { name: 'Role drift' });
  return waitFor(() => {
    const shown = banner.querySelector('pre')?.textContent ?? '';
    expect(shown).toContain('role:');
    return shown;
  });
}

describe('ReplicationTab observed roles', () => {
  it('links a standby to the region it really streams from', async () => {
    renderTab(studioSul);

    const receiver = within(
      await screen.findByRole('region', { name: 'Receiver' }),
    );
    expect(
      fact(receiver, 'Streams from').getByRole('link', {
        name: 'studio-primary',
      }),
    ).toHaveAttribute('href', '/catalog/default/region/studio-primary');
    const facts = within(screen.getByRole('region', { name: 'Database' }));
    expect(
      fact(facts, 'Observed role').getByText('standby'),
    ).toBeInTheDocument();
  });

  describe('when the node contradicts the catalog', () => {
    it('shows the observed role, the drift and, for a region defined in git, the YAML to change', async () => {
      const fixDrift = jest.fn();
      renderTab(
        studioSul,
        fakeRegionsApi({
          getReplication: async () => promotedSulReplication(false),
          fixDrift,
        }),
      );

      const banner = within(
        await screen.findByRole('region', { name: 'Role drift' }),
      );
      expect(
        banner.getByText(
          'The catalog says warm-standby, the node says primary',
        ),
      ).toBeInTheDocument();
      expect(
        banner.getByText(
          /^declared warm-standby, primary since run run-switchover-1 \(switchover\)/,
        ),
      ).toBeInTheDocument();
      expect(
        banner.getByRole('link', { name: 'the switchover run' }),
      ).toHaveAttribute(
        'href',
        '/catalog/default/region/studio-sul/failovers?run=run-switchover-1',
      );
      expect(
        banner.getByText(
          /change its spec.replication where it is defined \(git\)/,
        ),
      ).toBeInTheDocument();
      expect(await shownYaml()).toBe(sulFixYaml);
      expect(banner.getByRole('button', { name: 'Copy text' })).toBeEnabled();
      expect(
        banner.queryByRole('button', { name: 'Make the catalog say so' }),
      ).not.toBeInTheDocument();

      const facts = within(screen.getByRole('region', { name: 'Database' }));
      expect(
        fact(facts, 'Declared role').getByText('warm-standby'),
      ).toBeInTheDocument();
      expect(
        fact(facts, 'Observed role').getByText('primary'),
      ).toBeInTheDocument();
      // the new primary lists what streams from it
      expect(screen.getByText('Replicas (1)')).toBeInTheDocument();
      expect(fixDrift).not.toHaveBeenCalled();
    });

    it('makes the catalog say so for a landed region, showing progress then the outcome', async () => {
      let answer: (value: { entity: object }) => void = () => {};
      const fixDrift = jest.fn(
        () =>
          new Promise<{ entity: any }>(resolve => {
            answer = resolve;
          }),
      );
      renderTab(
        studioSul,
        fakeRegionsApi({
          getReplication: async () => promotedSulReplication(true),
          fixDrift,
        }),
      );

      const banner = within(
        await screen.findByRole('region', { name: 'Role drift' }),
      );
      expect(
        banner.getByText(
          /Meridian landed this region .* can rewrite spec.replication/,
        ),
      ).toBeInTheDocument();
      expect(await shownYaml()).toBe(sulFixYaml);
      await userEvent.click(
        banner.getByRole('button', { name: 'Make the catalog say so' }),
      );

      expect(fixDrift).toHaveBeenCalledWith({
        namespace: 'default',
        name: 'studio-sul',
      });
      expect(
        banner.getByRole('button', { name: 'Updating the catalog…' }),
      ).toBeDisabled();
      answer({ entity: {} });
      expect(
        await banner.findByText(/The entity now declares what the nodes say/),
      ).toBeInTheDocument();
      expect(fixDrift).toHaveBeenCalledTimes(1);
    });

    it("shows the backend's refusal to fix the drift, and lets the user try again", async () => {
      const forbidden = await backendError(
        403,
        'NotAllowedError',
        'user:default/bruno may not update region:default/studio-sul',
      );
      const fixDrift = jest.fn(async () => {
        throw forbidden;
      });
      renderTab(
        studioSul,
        fakeRegionsApi({
          getReplication: async () => promotedSulReplication(true),
          fixDrift,
        }),
      );

      const banner = within(
        await screen.findByRole('region', { name: 'Role drift' }),
      );
      await userEvent.click(
        banner.getByRole('button', { name: 'Make the catalog say so' }),
      );

      expect(
        await banner.findByText(
          'Could not update the catalog: user:default/bruno may not update region:default/studio-sul',
        ),
      ).toBeInTheDocument();
      expect(
        banner.getByRole('button', { name: 'Make the catalog say so' }),
      ).toBeEnabled();
    });

    it('shows the old primary, re-attached, as the standby it is and where it streams from', async () => {
      renderTab(
        studioPrimary,
        fakeRegionsApi({
          getReplication: async () => reattachedPrimaryReplication(),
        }),
      );

      const banner = within(
        await screen.findByRole('region', { name: 'Role drift' }),
      );
      expect(
        banner.getByText('The catalog says primary, the node says standby'),
      ).toBeInTheDocument();
      const receiver = within(screen.getByRole('region', { name: 'Receiver' }));
      expect(
        fact(receiver, 'Streams from').getByRole('link', {
          name: 'studio-sul',
        }),
      ).toHaveAttribute('href', '/catalog/default/region/studio-sul');
      expect(receiver.getByText('10.16.0.10:5432')).toBeInTheDocument();
    });
  });
});
