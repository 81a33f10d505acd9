import { renderInTestApp } from '@backstage/frontend-test-utils';
import { DriftFixResponse } from '@meridian/plugin-regions-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { regionsApiRef } from '../../api';
import { sulDrift, sulFixYaml } from '../../testing/driftFixtures';
import { fakeRegionsApi, mountedRoutes } from '../../testing/fixtures';
import { backendError } from '../FailoversTab/__testUtils__/renderFailoversTab';
import { RoleDriftAlert } from './RoleDriftAlert';

// The first render of a file loads the app's lazy parts on a shared 2-core machine.
jest.setTimeout(20_000);

const STUDIO_SUL = { kind: 'region', namespace: 'default', name: 'studio-sul' };
/** studio-sul's drift, its entity in a GitHub repository the backend can push to. */
const inGithub = {
  ...sulDrift(false),
  fix: { ...sulDrift(false).fix, pullRequest: true },
};

function renderAlert(fixDrift: () => Promise<DriftFixResponse>) {
  const onFixed = jest.fn();
  const rendered = renderInTestApp(
    <RoleDriftAlert drift={inGithub} region={STUDIO_SUL} onFixed={onFixed} />,
    {
      mountedRoutes,
      apis: [[regionsApiRef, fakeRegionsApi({ fixDrift })]],
    },
  );
  return { rendered, onFixed };
}

async function alert() {
  return within(await screen.findByRole('region', { name: 'Role drift' }));
}

describe('RoleDriftAlert for a region defined in GitHub', () => {
  it('opens a pull request and links to it, the YAML still shown', async () => {
    let answer: (value: DriftFixResponse) => void = () => {};
    const fixDrift = jest.fn(
      () =>
        new Promise<DriftFixResponse>(resolve => {
          answer = resolve;
        }),
    );
    const { onFixed } = renderAlert(fixDrift);

    const banner = await alert();
    expect(
      banner.getByText(
        /defined in a GitHub repository: Meridian can open a pull request/,
      ),
    ).toBeInTheDocument();
    await userEvent.click(
      banner.getByRole('button', { name: 'Open a pull request' }),
    );
    expect(fixDrift).toHaveBeenCalledWith({
      namespace: 'default',
      name: 'studio-sul',
    });
    expect(
      banner.getByRole('button', { name: 'Opening the pull request…' }),
    ).toBeDisabled();

    answer({
      pullRequest: {
        url: 'https://github.com/acme/platform-catalog/pull/42',
        number: 42,
      },
    });
    expect(
      await banner.findByRole('link', { name: /^Pull request #42 opened/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/acme/platform-catalog/pull/42',
    );
    expect(
      banner.queryByRole('button', { name: 'Open a pull request' }),
    ).not.toBeInTheDocument();
    const shownYaml = () =>
      screen.getByRole('region', { name: 'Role drift' }).querySelector('pre')
        ?.textContent;
    await waitFor(() => expect(shownYaml()).toBe(sulFixYaml));
    // the entity is as it was until the pull request is merged
    expect(onFixed).not.toHaveBeenCalled();
  });

  it("shows GitHub's refusal, or the backend's YAML answer, and lets the user try again", async () => {
    const refused = await backendError(
      502,
      'GithubPullRequestError',
      'GitHub answered 403 (Resource not accessible by personal access token) to create branch meridian/drift-studio-sul-1a2b3c4d in github.com/acme/platform-catalog',
    );
    const noIntegration = await backendError(
      409,
      'ConflictError',
      `region:default/studio-sul is not a region landed by the provisioning template: change its entity where it is defined, to:\n${sulFixYaml}`,
    );
    const fixDrift = jest
      .fn()
      .mockRejectedValueOnce(refused)
      .mockRejectedValueOnce(noIntegration);
    renderAlert(fixDrift);

    const banner = await alert();
    await userEvent.click(
      banner.getByRole('button', { name: 'Open a pull request' }),
    );
    expect(
      await banner.findByText(
        /^Could not open the pull request: GitHub answered 403 \(Resource not accessible by personal access token\) to create branch .* in github\.com\/acme\/platform-catalog$/,
      ),
    ).toBeInTheDocument();

    await userEvent.click(
      banner.getByRole('button', { name: 'Open a pull request' }),
    );
    expect(
      await banner.findByText(
        /^Could not open the pull request: region:default\/studio-sul is not a region landed by the provisioning template: change its entity where it is defined, to:\s+role: primary/,
      ),
    ).toBeInTheDocument();
    expect(
      banner.getByRole('button', { name: 'Open a pull request' }),
    ).toBeEnabled();
  });
});
