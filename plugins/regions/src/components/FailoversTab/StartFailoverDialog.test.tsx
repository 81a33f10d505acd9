import { Entity } from '@backstage/catalog-model';
import { FailoverRequest } from '@meridian/plugin-regions-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RegionsApi } from '../../api';
import { fact } from '../ReplicationTab/__testUtils__/renderReplicationTab';
import {
  failoverStartedAt,
  passingPreview,
  primaryPoweredOff,
  runningSwitchover,
  unfenceableDetail,
  unfenceablePreview,
} from '../../testing/failoverFixtures';
import {
  backendTopology,
  fakeRegionsApi,
  studioPelotas,
  studioPrimary,
  studioSul,
} from '../../testing/fixtures';
import {
  backendError,
  renderFailoversTab,
  rowOf,
} from './__testUtils__/renderFailoversTab';

// These tests type and click through Material UI on a shared 2-core machine.
jest.setTimeout(60_000);

/** `palette.error.main` of the test app's light theme. */
const DANGER_RED = 'rgb(244, 67, 54)';

/** A topology where studio-sul's latest sample shows it 14 KiB behind. */
function topologyWithSulLag() {
  const topology = backendTopology();
  return {
    ...topology,
    regions: topology.regions.map(r =>
      r.name === 'studio-sul'
        ? {
            ...r,
            replication: {
              ...r.replication,
              status: 'ok' as const,
              lagSeconds: 2.1,
              lagBytes: 14 * 1024,
              sampledAt: failoverStartedAt,
            },
          }
        : r,
    ),
  };
}

/** Renders the tab of `entity` and opens the dialog once the runs are listed. */
async function openDialog(
  entity: Entity = studioPrimary,
  regionsApi: RegionsApi = fakeRegionsApi(),
) {
  renderFailoversTab({ entity, regionsApi });
  await screen.findByRole('table', { name: 'Failover runs' });
  await userEvent.click(screen.getByRole('button', { name: 'Fail over…' }));
  const dialog = within(await screen.findByRole('dialog'));
  await dialog.findByRole('radio', { name: /studio-primary → studio-sul/ });
  return dialog;
}

/**
 * The preview's checklist once it answers with `verdict`. A changed input
 * starts a new preview after a pause, so an idle preview may still show the
 * previous answer: wait for the one the test expects.
 */
async function previewChecklist(
  dialog: ReturnType<typeof within>,
  verdict: string,
) {
  const preview = dialog.getByRole('region', { name: 'Pre-flight preview' });
  await waitFor(() => {
    expect(preview).toHaveAttribute('aria-busy', 'false');
    expect(within(preview).getByText(verdict)).toBeInTheDocument();
  });
  return within(preview);
}

/** The emergency failover preview: fails to fence until the operator attests. */
function previewUnlessAttested(request: FailoverRequest) {
  if (request.mode === 'failover' && !request.sourceFenced) {
    return unfenceablePreview();
  }
  return passingPreview();
}

describe('StartFailoverDialog', () => {
  beforeEach(() => {
    jest
      .spyOn(Date, 'now')
      .mockReturnValue(Date.parse(failoverStartedAt) + 5000);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it("shows the target's observed role, lag, replication and readiness", async () => {
    const getReplication = jest.fn(fakeRegionsApi().getReplication);
    const getReadiness = jest.fn(fakeRegionsApi().getReadiness);
    const dialog = await openDialog(
      studioPrimary,
      fakeRegionsApi({ getReplication, getReadiness }),
    );

    const target = within(
      dialog.getByRole('region', { name: 'Target studio-sul' }),
    );
    expect(
      await target.findByText(/Caught up: nothing received waits/),
    ).toBeInTheDocument();
    expect(target.getByText('streaming, 0 B to replay')).toBeInTheDocument();
    expect(fact(target, 'Observed role').getByText('standby')).toBeVisible();
    expect(fact(target, 'Lag').getByText('1 min 30 s / 9 MiB')).toBeVisible();
    expect(await target.findByText('78% · not ready')).toBeInTheDocument();
    expect(
      target.getByText(/threshold 94%, evaluated 5 s ago/),
    ).toBeInTheDocument();
    expect(getReplication).toHaveBeenCalledWith(
      { namespace: 'default', name: 'studio-sul' },
      '1h',
    );
    expect(getReadiness).toHaveBeenCalledWith({
      namespace: 'default',
      name: 'studio-sul',
    });
  });

  it('starts a switchover with force once its pre-flight passes and the region name is typed, and follows the new run', async () => {
    const startFailover = jest.fn(async () => ({
      id: 'run-live',
      status: 'pending' as const,
    }));
    const previewFailover = jest.fn(async () => passingPreview());
    const getFailover = jest.fn(async () => runningSwitchover(2));
    const dialog = await openDialog(
      studioPrimary,
      fakeRegionsApi({
        startFailover,
        previewFailover,
        getFailover,
        getTopology: async () => topologyWithSulLag(),
      }),
    );

    // the only standby is chosen, with its replication status and lag
    const standby = dialog.getByRole('radio', {
      name: /studio-primary → studio-sul/,
    });
    expect(standby).toBeChecked();
    const standbyLabel = within(standby.closest('label')!);
    expect(standbyLabel.getByText('ok')).toBeInTheDocument();
    expect(
      standbyLabel.getByText('lag 2.1 s / 14 KiB, sampled 5 s ago'),
    ).toBeInTheDocument();

    expect(
      dialog.getByRole('radio', {
        name: /^Drill — Runs every pre-flight check .* changes nothing\.$/,
      }),
    ).toBeChecked();
    // only a switchover shifts traffic in steps
    expect(
      dialog.queryByRole('checkbox', { name: /canary/ }),
    ).not.toBeInTheDocument();
    await userEvent.click(dialog.getByRole('radio', { name: /^Switchover/ }));
    expect(
      dialog.getByRole('checkbox', { name: 'Shift traffic in steps (canary)' }),
    ).not.toBeChecked();
    await userEvent.click(dialog.getByRole('checkbox', { name: /^Force/ }));
    expect(
      dialog.getByText(/Forcing overrides the checks/),
    ).toBeInTheDocument();

    await previewChecklist(dialog, 'Every check passes: the run would start.');
    expect(previewFailover).toHaveBeenLastCalledWith({
      region: 'region:default/studio-primary',
      target: 'region:default/studio-sul',
      mode: 'switchover',
      force: true,
    });

    const start = dialog.getByRole('button', {
      name: 'Switch over studio-primary → studio-sul',
    });
    expect(start).toBeDisabled();
    await userEvent.type(
      dialog.getByLabelText('Type studio-primary to confirm'),
      'studio-prim',
    );
    expect(start).toBeDisabled();
    await userEvent.type(
      dialog.getByLabelText('Type studio-primary to confirm'),
      'ary',
    );
    expect(start).toBeEnabled();
    // it changes production: the theme's error red, not the primary blue
    expect(start).toHaveStyle({ backgroundColor: DANGER_RED });
    await userEvent.click(start);

    expect(startFailover).toHaveBeenCalledTimes(1);
    expect(startFailover).toHaveBeenCalledWith({
      region: 'region:default/studio-primary',
      target: 'region:default/studio-sul',
      mode: 'switchover',
      force: true,
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );

    // not in the list yet: read alone, shown on top and expanded
    const run = within(
      await screen.findByRole('region', { name: 'Run run-live' }),
    );
    expect(getFailover).toHaveBeenCalledWith('run-live');
    expect(
      within(
        run.getByRole('listitem', { name: 'Promote the target' }),
      ).getByText(/^running/),
    ).toBeInTheDocument();
    expect(rowOf('run-live').getByText('running')).toBeInTheDocument();
    const firstToggle = screen.getAllByRole('button', {
      name: /steps of run/,
    })[0];
    expect(firstToggle).toHaveAccessibleName('Hide steps of run run-live');
  });

  it('starts afresh on every open: nothing chosen, forced or typed survives a cancel', async () => {
    const dialog = await openDialog();
    await userEvent.click(
      dialog.getByRole('radio', { name: /^Emergency failover/ }),
    );
    await userEvent.click(dialog.getByRole('checkbox', { name: /^Force/ }));
    // pasted, as an operator would from their notes: typing is tested below
    await userEvent.click(
      dialog.getByLabelText(/make sure studio-primary is down or isolated/),
    );
    await userEvent.paste(primaryPoweredOff);
    await userEvent.click(
      dialog.getByLabelText('Type studio-primary to confirm'),
    );
    await userEvent.paste('studio-primary');
    expect(
      dialog.getByLabelText(/make sure studio-primary is down or isolated/),
    ).toHaveValue(primaryPoweredOff);
    await userEvent.click(dialog.getByRole('button', { name: 'Cancel' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );

    await userEvent.click(screen.getByRole('button', { name: 'Fail over…' }));
    const reopened = within(await screen.findByRole('dialog'));
    expect(
      await reopened.findByRole('radio', { name: /^Drill/ }),
    ).toBeChecked();
    expect(
      reopened.getByRole('checkbox', { name: /^Force/ }),
    ).not.toBeChecked();
    expect(
      reopened.queryByText(/Forcing overrides the checks/),
    ).not.toBeInTheDocument();
    expect(reopened.queryByLabelText(/to confirm$/)).not.toBeInTheDocument();

    await userEvent.click(
      reopened.getByRole('radio', { name: /^Emergency failover/ }),
    );
    expect(
      reopened.getByLabelText(/make sure studio-primary is down or isolated/),
    ).toHaveValue('');
    expect(
      reopened.getByLabelText('Type studio-primary to confirm'),
    ).toHaveValue('');
  });

  it("shows the pre-flight as a checklist with a failing check's detail, and keeps Start disabled", async () => {
    const dialog = await openDialog(
      studioPrimary,
      fakeRegionsApi({
        previewFailover: async request => previewUnlessAttested(request),
      }),
    );
    await userEvent.click(
      dialog.getByRole('radio', { name: /^Emergency failover/ }),
    );
    await userEvent.type(
      dialog.getByLabelText('Type studio-primary to confirm'),
      'studio-primary',
    );

    const checklist = await previewChecklist(
      dialog,
      'The run would be refused: 1 of 5 checks fail.',
    );
    const fence = within(
      checklist.getByRole('listitem', {
        name: 'The old primary can be fenced',
      }),
    );
    expect(fence.getByText('failed')).toBeInTheDocument();
    expect(
      fence.getByText(`${unfenceableDetail} (cannot be forced)`),
    ).toBeInTheDocument();
    expect(
      within(
        checklist.getByRole('listitem', { name: 'Lag within the limit' }),
      ).getByText('passed'),
    ).toBeInTheDocument();
    expect(
      dialog.getByRole('button', {
        name: 'Fail over studio-primary → studio-sul',
      }),
    ).toBeDisabled();
  });

  it("sends the operator's account of the fenced primary with an emergency failover", async () => {
    const previewFailover = jest.fn(async (request: FailoverRequest) =>
      previewUnlessAttested(request),
    );
    const startFailover = jest.fn(async () => ({
      id: 'run-emergency',
      status: 'pending' as const,
    }));
    const dialog = await openDialog(
      studioPrimary,
      fakeRegionsApi({ previewFailover, startFailover }),
    );
    await userEvent.click(
      dialog.getByRole('radio', { name: /^Emergency failover/ }),
    );
    const attestation = dialog.getByLabelText(
      /make sure studio-primary is down or isolated/,
    );
    expect(
      dialog.getByText(/Needed when studio-primary's database does not answer/),
    ).toBeInTheDocument();
    await userEvent.type(
      dialog.getByLabelText('Type studio-primary to confirm'),
      'studio-primary',
    );
    const start = dialog.getByRole('button', {
      name: 'Fail over studio-primary → studio-sul',
    });

    await userEvent.type(attestation, 'off');
    expect(
      dialog.getByText('Say what was done, in at least 10 characters.'),
    ).toBeInTheDocument();
    await userEvent.clear(attestation);

    const callsBefore = previewFailover.mock.calls.length;
    await userEvent.type(attestation, primaryPoweredOff);
    await previewChecklist(dialog, 'Every check passes: the run would start.');
    // debounced: the backend is asked once typing settles, not per keystroke
    expect(previewFailover.mock.calls.length - callsBefore).toBeLessThan(
      primaryPoweredOff.length / 4,
    );
    expect(previewFailover).toHaveBeenLastCalledWith({
      region: 'region:default/studio-primary',
      target: 'region:default/studio-sul',
      mode: 'failover',
      sourceFenced: primaryPoweredOff,
    });

    expect(start).toBeEnabled();
    await userEvent.click(start);
    expect(startFailover).toHaveBeenCalledWith({
      region: 'region:default/studio-primary',
      target: 'region:default/studio-sul',
      mode: 'failover',
      sourceFenced: primaryPoweredOff,
    });
  });

  it('says why the pre-flight could not be evaluated, and keeps Start disabled', async () => {
    const forbidden = await backendError(
      403,
      'NotAllowedError',
      'you may not run a failover of region:default/studio-sul: it needs the permission regions.failover.run on both regions',
    );
    const dialog = await openDialog(
      studioPrimary,
      fakeRegionsApi({
        previewFailover: async () => {
          throw forbidden;
        },
      }),
    );

    expect(
      await dialog.findByText(
        'Could not evaluate the pre-flight: You are not allowed to run this failover (permission regions.failover.run on both regions: their owners may): you may not run a failover of region:default/studio-sul: it needs the permission regions.failover.run on both regions',
      ),
    ).toBeInTheDocument();
    expect(
      dialog.getByRole('button', {
        name: 'Run drill studio-primary → studio-sul',
      }),
    ).toBeDisabled();
  });

  it('runs a drill from a standby page without confirmation', async () => {
    const startFailover = jest.fn(async () => ({
      id: 'run-drill',
      status: 'pending' as const,
    }));
    const dialog = await openDialog(
      studioSul,
      fakeRegionsApi({ startFailover }),
    );
    expect(
      dialog.getByRole('radio', { name: /studio-primary → studio-sul/ }),
    ).toBeChecked();
    expect(dialog.queryByLabelText(/to confirm$/)).not.toBeInTheDocument();
    const start = dialog.getByRole('button', {
      name: 'Run drill studio-primary → studio-sul',
    });
    await waitFor(() => expect(start).toBeEnabled());
    // a drill changes nothing: no danger styling
    expect(start).not.toHaveStyle({ backgroundColor: DANGER_RED });
    await userEvent.click(start);

    expect(startFailover).toHaveBeenCalledWith({
      region: 'region:default/studio-primary',
      target: 'region:default/studio-sul',
      mode: 'drill',
    });
  });

  it('records a drill that the pre-flight would refuse: what blocks a takeover is worth keeping', async () => {
    const startFailover = jest.fn(async () => ({
      id: 'run-drill',
      status: 'pending' as const,
    }));
    const dialog = await openDialog(
      studioPrimary,
      fakeRegionsApi({
        startFailover,
        previewFailover: async () => unfenceablePreview(),
      }),
    );
    expect(
      await dialog.findByText(/^The run would be refused/),
    ).toBeInTheDocument();
    const start = dialog.getByRole('button', {
      name: 'Run drill studio-primary → studio-sul',
    });
    await waitFor(() => expect(start).toBeEnabled());
    await userEvent.click(start);
    expect(startFailover).toHaveBeenCalledWith(
      expect.objectContaining({ mode: 'drill' }),
    );
  });

  it('says there is no standby to promote for a region outside any replication', async () => {
    renderFailoversTab({ entity: studioPelotas });
    await screen.findByText('No failover has run for this region yet');

    await userEvent.click(screen.getByRole('button', { name: 'Fail over…' }));
    const dialog = within(await screen.findByRole('dialog'));
    expect(
      await dialog.findByText(/there is no standby to promote/),
    ).toBeInTheDocument();
    expect(dialog.getByRole('button', { name: 'Run drill' })).toBeDisabled();
  });

  it.each([
    [
      403,
      'NotAllowedError',
      'you may not run a failover of region:default/studio-primary',
      'You are not allowed to run this failover (permission regions.failover.run on both regions: their owners may): you may not run a failover of region:default/studio-primary',
    ],
    [
      409,
      'ConflictError',
      'run run-live is already in progress for region:default/studio-primary',
      'A run is already in progress for this region: run run-live is already in progress for region:default/studio-primary',
    ],
    [
      400,
      'InputError',
      'target region:default/studio-pelotas is not a replica of region:default/studio-primary',
      'target region:default/studio-pelotas is not a replica of region:default/studio-primary',
    ],
  ])(
    'keeps the dialog open and says why when the backend answers %i',
    async (status, name, message, shown) => {
      const refusal = await backendError(status, name, message);
      const listFailovers = jest.fn(fakeRegionsApi().listFailovers);
      const dialog = await openDialog(
        studioPrimary,
        fakeRegionsApi({
          listFailovers,
          startFailover: async () => {
            throw refusal;
          },
        }),
      );
      const start = dialog.getByRole('button', {
        name: 'Run drill studio-primary → studio-sul',
      });
      await waitFor(() => expect(start).toBeEnabled());
      await userEvent.click(start);

      expect(await dialog.findByText(shown)).toBeInTheDocument();
      expect(screen.getByRole('dialog')).toBeInTheDocument();
      // the run in progress a 409 names is shown without a reload
      await waitFor(() => expect(listFailovers).toHaveBeenCalledTimes(2));
    },
  );
});
