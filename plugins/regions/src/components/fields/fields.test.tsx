import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { CidrPoolsResponse } from '@meridian/plugin-regions-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { regionsApiRef } from '../../api';
import { backendTopology, fakeRegionsApi } from '../../testing/fixtures';
import { CidrPoolPicker } from './CidrPoolPicker';
import { RegionPicker } from './RegionPicker';

const pools: CidrPoolsResponse = {
  pools: [
    {
      name: 'brazil',
      cidr: '10.16.0.0/12',
      prefixLength: 16,
      capacity: 16,
      used: 4,
      nextFree: '10.20.0.0/16',
    },
    {
      name: 'tiny',
      cidr: '192.168.0.0/23',
      prefixLength: 24,
      capacity: 2,
      used: 2,
      nextFree: null,
    },
  ],
};

/** The regions backend's answers by path, as its routes give them. */
function regionsBackend(answers: Record<string, unknown>) {
  return {
    fetch: async (input: RequestInfo | URL) => {
      const path = String(input).replace('http://regions.test/api/regions', '');
      return path in answers
        ? new Response(JSON.stringify(answers[path]), { status: 200 })
        : new Response(
            JSON.stringify({ error: { name: 'NotFoundError', message: path } }),
            { status: 404 },
          );
    },
  };
}

const discovery = {
  getBaseUrl: async (id: string) => `http://regions.test/api/${id}`,
};

function fieldProps(overrides: Record<string, unknown>) {
  return {
    onChange: jest.fn(),
    schema: { title: 'Hub', description: 'The hub of the region' },
    required: true,
    rawErrors: [],
    idSchema: { $id: 'root_hub' },
    uiSchema: {},
    ...overrides,
  } as any;
}

// rendering an app under the shared machine's load takes seconds
jest.setTimeout(60_000);

describe('RegionPicker', () => {
  it("finds the hubs with their tier, readiness and health from one topology call, and picks the region's ref", async () => {
    const props = fieldProps({
      uiSchema: { 'ui:options': { types: ['global-hub', 'regional-hub'] } },
    });
    const topology = backendTopology();
    topology.regions = topology.regions.map(r =>
      r.name === 'studio-sul'
        ? {
            ...r,
            readiness: {
              score: 96.4,
              ready: true,
              evaluatedAt: '2026-12-01T12:00:00.000Z',
            },
            health: { status: 'degraded', reason: '1 of 2 probes down' },
          }
        : r,
    );
    const getTopology = jest.fn(async () => topology);
    const getReadiness = jest.fn();
    await renderInTestApp(<RegionPicker {...props} />, {
      apis: [[regionsApiRef, fakeRegionsApi({ getTopology, getReadiness })]],
    });

    await userEvent.click(await screen.findByRole('textbox', { name: /Hub/ }));
    const options = within(await screen.findByRole('listbox')).getAllByRole(
      'option',
    );
    expect(options.map(o => o.textContent)).toEqual([
      'Studio Primary — global hub, readiness not evaluated',
      'Studio-Sul (Porto Alegre) — regional hub, readiness 96.4% (ready), health degraded',
      'US East — regional hub, readiness not evaluated',
    ]);
    await userEvent.type(screen.getByRole('textbox', { name: /Hub/ }), 'sul');
    const found = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(found).toHaveLength(1);
    await userEvent.click(found[0]);
    expect(props.onChange).toHaveBeenCalledWith('region:default/studio-sul');
    expect(getTopology).toHaveBeenCalledTimes(1);
    expect(getReadiness).not.toHaveBeenCalled();
  });

  it('says so when the backend cannot answer', async () => {
    await renderInTestApp(<RegionPicker {...fieldProps({})} />, {
      apis: [
        [
          regionsApiRef,
          fakeRegionsApi({
            getTopology: async () => {
              throw new Error('regions backend down');
            },
          }),
        ],
      ],
    });

    expect(
      await screen.findByText('Could not load regions: regions backend down'),
    ).toBeInTheDocument();
  });
});

describe('CidrPoolPicker', () => {
  it('previews the block the run will allocate from the chosen pool', async () => {
    const props = fieldProps({
      formData: 'brazil',
      schema: { title: 'CIDR pool' },
      idSchema: { $id: 'root_pool' },
    });
    await renderInTestApp(<CidrPoolPicker {...props} />, {
      apis: [
        [discoveryApiRef, discovery],
        [fetchApiRef, regionsBackend({ '/pools': pools })],
      ],
    });

    expect(
      await screen.findByText(
        'This run will allocate 10.20.0.0/16 (the next free block; 4 of 16 are held)',
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button'));
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'brazil (10.16.0.0/12, /16 blocks) — next 10.20.0.0/16',
      'tiny (192.168.0.0/23, /24 blocks) — exhausted',
    ]);
    expect(options[1]).toHaveAttribute('aria-disabled', 'true');
  });

  it('says so when the backend cannot answer', async () => {
    await renderInTestApp(<CidrPoolPicker {...fieldProps({})} />, {
      apis: [
        [discoveryApiRef, discovery],
        [
          fetchApiRef,
          {
            fetch: async () =>
              new Response(
                JSON.stringify({
                  error: { name: 'Error', message: 'database down' },
                }),
                { status: 500 },
              ),
          },
        ],
      ],
    });
    expect(
      await screen.findByText(/^Could not load the pools: /),
    ).toBeInTheDocument();
  });
});
