/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectKeptThroughOutage"] }] */
import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { act, screen } from '@testing-library/react';
import { ReactElement } from 'react';
import { RegionsApi, regionsApiRef } from '../../api';
import { hubCost } from '../../testing/costFixtures';
import {
  fakeRegionsApi,
  mountedRoutes,
  studioPrimary,
  studioSul,
} from '../../testing/fixtures';
import { sulReadiness } from '../../testing/readinessFixtures';
import { CostTab } from '../CostTab';
import { NetworkView } from '../NetworkView';
import { ReadinessTab } from '../ReadinessTab';
import { ReplicationTab } from '../ReplicationTab';

// The first render of a file loads the app's lazy parts on a shared 2-core machine.
jest.setTimeout(30_000);

const OUTAGE = 'Request failed with 502 Bad Gateway';

/**
 * Renders `view`, answered once by `api`, then failing: after `pollMs` the
 * view must still show what it showed, and say how old it is and why.
 */
async function expectKeptThroughOutage(options: {
  view: ReactElement;
  entity?: Entity;
  api: (fail: () => boolean) => Partial<RegionsApi>;
  pollMs: number;
  shown: string | RegExp;
  what: string;
}) {
  let down = false;
  const overrides = options.api(() => down);
  const content = options.entity ? (
    <EntityProvider entity={options.entity}>{options.view}</EntityProvider>
  ) : (
    options.view
  );
  await renderInTestApp(content, {
    mountedRoutes,
    apis: [[regionsApiRef, fakeRegionsApi(overrides)]],
  });
  // a first render can take seconds on a loaded machine
  expect(
    (await screen.findAllByText(options.shown, {}, { timeout: 20_000 }))[0],
  ).toBeInTheDocument();
  expect(screen.queryByText(/refresh failed/)).not.toBeInTheDocument();

  down = true;
  await act(() => jest.advanceTimersByTimeAsync(options.pollMs));
  expect(
    await screen.findByText(
      new RegExp(
        `Showing ${options.what} from \\d+ (s|min) ago — refresh failed: ${OUTAGE}$`,
      ),
    ),
  ).toBeInTheDocument();
  expect(screen.getAllByText(options.shown)[0]).toBeInTheDocument();
  expect(screen.queryByText(/Could not load/)).not.toBeInTheDocument();

  // the next good answer clears it (retries start 2 s after a failure)
  down = false;
  await act(() => jest.advanceTimersByTimeAsync(2_000));
  await act(() => jest.advanceTimersByTimeAsync(100));
  expect(screen.queryByText(/refresh failed/)).not.toBeInTheDocument();
}

function failingWith<T>(fail: () => boolean, answer: () => Promise<T>) {
  return async () => {
    if (fail()) {
      throw new Error(OUTAGE);
    }
    return answer();
  };
}

describe('views keep their last answer when a refresh fails', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2026-09-20T12:00:00.000Z') });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('the Readiness tab', async () => {
    await expectKeptThroughOutage({
      view: <ReadinessTab />,
      entity: studioSul,
      api: fail => ({
        getReadiness: failingWith(fail, async () => sulReadiness()),
      }),
      pollMs: 60_000,
      shown: '78% · not ready',
      what: 'readiness',
    });
  });

  it('the Replication tab', async () => {
    const base = fakeRegionsApi();
    await expectKeptThroughOutage({
      view: <ReplicationTab />,
      entity: studioPrimary,
      api: fail => ({
        getReplication: (ref, window) =>
          failingWith(fail, () => base.getReplication(ref, window))(),
      }),
      pollMs: 10_000,
      shown: 'Lag over time',
      what: 'replication',
    });
  });

  it('the Cost tab', async () => {
    await expectKeptThroughOutage({
      view: <CostTab />,
      entity: studioPrimary,
      api: fail => ({
        getCost: (_ref, window) =>
          failingWith(fail, async () => hubCost(window))(),
      }),
      pollMs: 5 * 60_000,
      shown: 'RAM efficiency',
      what: 'costs',
    });
  });

  it('the Network view', async () => {
    const base = fakeRegionsApi();
    await expectKeptThroughOutage({
      view: <NetworkView />,
      api: fail => ({
        getPools: failingWith(fail, () => base.getPools()),
      }),
      pollMs: 60_000,
      shown: 'CIDR pools (2)',
      what: 'the pools and allocations',
    });
  });
});
