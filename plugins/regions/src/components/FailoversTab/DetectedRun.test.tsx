import { FailoverRun } from '@meridian/plugin-regions-common';
import { screen, within } from '@testing-library/react';
import { switchedOverTopology } from '../../testing/driftFixtures';
import { failoverStartedAt } from '../../testing/failoverFixtures';
import { fakeRegionsApi, studioSul } from '../../testing/fixtures';
import {
  detectedFailover,
  detectedFromSamples,
} from '../../testing/lifecycleRunFixtures';
import {
  expand,
  renderFailoversTab,
  rowOf,
} from './__testUtils__/renderFailoversTab';

// The first render of a file loads the app's lazy parts on a shared 2-core machine.
jest.setTimeout(20_000);

/** The tab of studio-sul listing `run`, after a promotion that made it the primary. */
async function renderWith(run: FailoverRun) {
  renderFailoversTab({
    entity: studioSul,
    regionsApi: fakeRegionsApi({
      listFailovers: async () => ({ runs: [run] }),
      getTopology: async () => switchedOverTopology(true),
    }),
  });
  await screen.findByRole('table', { name: 'Failover runs' });
}

/** The value of a labelled fact (`<dt>` then `<dd>`). */
function fact(section: ReturnType<typeof within>, label: string) {
  return section.getByText(label).nextElementSibling;
}

describe('a detected promotion', () => {
  beforeEach(() => {
    jest
      .spyOn(Date, 'now')
      .mockReturnValue(Date.parse(failoverStartedAt) + 5000);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('is listed like any run, labelled Detected, started by what promoted it', async () => {
    await renderWith(detectedFailover());

    const row = rowOf('run-detected');
    expect(row.getByText('Detected')).toBeInTheDocument();
    expect(row.getByText('patroni')).toBeInTheDocument();
    expect(
      row.queryByRole('link', { name: 'patroni' }),
    ).not.toBeInTheDocument();
    expect(row.getByText('succeeded')).toBeInTheDocument();
    expect(row.getByText('18.4 s')).toBeInTheDocument();
    expect(row.getByText('12 KiB')).toBeInTheDocument();
  });

  it('shows when it was promoted and how that is known, what promoted it, the evidence and what it cost, with no action that does not apply', async () => {
    await renderWith(detectedFailover());

    const run = await expand('run-detected');
    const detection = within(run.getByRole('region', { name: 'Detection' }));
    expect(
      detection.getByText(
        'studio-sul was promoted outside Meridian, which saw it happen',
      ),
    ).toBeInTheDocument();
    expect(
      detection.getByText(/as its node records it \(timeline history\)/),
    ).toBeInTheDocument();
    expect(detection.getByText('21 h 57 min 58 s ago')).toBeInTheDocument();
    expect(fact(detection, 'Promoted by')).toHaveTextContent('patroni');
    expect(fact(detection, 'New timeline')).toHaveTextContent('4');
    expect(fact(detection, 'Writes unavailable')).toHaveTextContent(
      '18.4 s, as far as the samples show',
    );
    expect(fact(detection, 'Data lost')).toHaveTextContent(
      '12 KiB that studio-primary had and studio-sul never received',
    );
    expect(
      within(detection.getByRole('list', { name: 'Evidence' }))
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(detectedFailover().detection!.evidence);
    // a log line in LogViewer, after its time since the run started
    expect(
      await run.findByText(/^\+.* studio-sul-db left recovery on timeline 4$/),
    ).toBeInTheDocument();

    // Meridian ran no pre-flight, and there is nothing to resume or fail back
    expect(run.queryByText('Pre-flight checks')).not.toBeInTheDocument();
    expect(
      run.queryByText(/Writes were unavailable for/),
    ).not.toBeInTheDocument();
    // (the step log's LogViewer has buttons of its own)
    expect(
      run.queryByRole('button', { name: /Resume|Fail back|Cancel|Approve/ }),
    ).not.toBeInTheDocument();
    expect(
      run.getByRole('link', { name: 'Emergency failover' }),
    ).toHaveAttribute(
      'href',
      '/docs/default/region/studio-sul/runbooks/failover/',
    );
  });

  it('says what is not known when only the samples saw it', async () => {
    await renderWith(detectedFromSamples());

    expect(
      rowOf('run-detected-samples').getByText('unknown'),
    ).toBeInTheDocument();
    const detection = within(
      (await expand('run-detected-samples')).getByRole('region', {
        name: 'Detection',
      }),
    );
    expect(
      detection.getByText(/between two collector samples: it may be off/),
    ).toBeInTheDocument();
    expect(fact(detection, 'Promoted by')).toHaveTextContent(
      'unknown: nothing says',
    );
    expect(fact(detection, 'New timeline')).toHaveTextContent('unknown');
    expect(fact(detection, 'Writes unavailable')).toHaveTextContent(
      'unknown: no sample shows it',
    );
    expect(fact(detection, 'Data lost')).toHaveTextContent('unknown');
  });
});
