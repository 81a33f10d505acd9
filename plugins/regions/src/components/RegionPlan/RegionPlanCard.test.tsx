import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { RegionsApi, regionsApiRef } from '../../api';
import {
  fakeRegionsApi,
  mountedRoutes,
  studioPelotas,
  studioPrimary,
} from '../../testing/fixtures';
import { failingPlan, unvalidatedPlan } from '../../testing/healthFixtures';
import { RegionPlanCard } from './RegionPlanCard';

function renderCard(entity = studioPrimary, regionsApi: RegionsApi) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <RegionPlanCard />
    </EntityProvider>,
    { mountedRoutes, apis: [[regionsApiRef, regionsApi]] },
  );
}

// rendering an app under the shared machine's load takes seconds
jest.setTimeout(30_000);
const slow = { timeout: 15_000 };

describe('RegionPlanCard', () => {
  beforeEach(() => {
    jest
      .spyOn(Date, 'now')
      .mockReturnValue(Date.parse('2026-09-20T12:00:00.000Z'));
  });
  afterEach(() => jest.restoreAllMocks());

  it('shows a failing plan with its failing checks and the dry-run decisions', async () => {
    renderCard(studioPrimary, fakeRegionsApi());

    expect(
      await screen.findByText(
        'Plan failing, validated 15 min ago',
        undefined,
        slow,
      ),
    ).toBeInTheDocument();
    const plan = screen.getByRole('group', {
      name: 'Plan to region:default/studio-sul',
    });
    expect(plan).toHaveTextContent('studio-sul: fails since 1 h 45 min ago');
    const failing = within(plan).getByRole('list', { name: 'Failing checks' });
    expect(within(failing).getAllByRole('listitem')).toHaveLength(1);
    expect(failing).toHaveTextContent(
      'Lag within the limit (force may override)lag 4.2 MiB > limit 1 MiB',
    );
    expect(
      screen.getByText(
        'Automatic failover: dry run (decisions are recorded, nothing is started)',
      ),
    ).toBeInTheDocument();
    const decisions = within(
      screen.getByRole('list', { name: 'Recent automatic decisions' }),
    ).getAllByRole('listitem');
    expect(decisions[0]).toHaveTextContent(
      /Would have failed over \(dry run\), 10 min ago.*would have failed over at 2026-09-20T11:50:00.000Z, because studio-api was down for 3 checks/,
    );
    expect(decisions[1]).toHaveTextContent(
      'held: studio-primary-db still answers',
    );
  });

  it('links a decision that started a run to the run', async () => {
    const plan = failingPlan();
    plan.automatic = {
      enabled: true,
      dryRun: false,
      decisions: [
        {
          ...plan.automatic.decisions[0],
          action: 'started',
          reason: 'studio-api down for 3 checks, studio-primary-db silent',
          runId: 'run-7',
        },
      ],
    };
    renderCard(studioPrimary, fakeRegionsApi({ getPlan: async () => plan }));

    expect(
      await screen.findByText('Automatic failover: on', undefined, slow),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open the run' })).toHaveAttribute(
      'href',
      '/catalog/default/region/studio-primary/failovers?run=run-7',
    );
  });

  it('says when no plan has been validated and the policy is off', async () => {
    renderCard(
      studioPelotas,
      fakeRegionsApi({ getPlan: async () => unvalidatedPlan() }),
    );

    expect(
      await screen.findByText('Not validated yet', undefined, slow),
    ).toBeInTheDocument();
    expect(screen.getByText('Automatic failover: off')).toBeInTheDocument();
    expect(
      screen.queryByRole('list', { name: 'Recent automatic decisions' }),
    ).not.toBeInTheDocument();
  });

  it('shows the error when the backend fails', async () => {
    renderCard(
      studioPrimary,
      fakeRegionsApi({
        getPlan: async () => {
          throw new Error('plan store unavailable');
        },
      }),
    );

    expect(
      await screen.findByText(
        /Could not load the failover plan/,
        undefined,
        slow,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('plan store unavailable')).toBeInTheDocument();
  });
});
