import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  CidrPoolsResponse,
  ReadinessResponse,
  RegionEntity,
} from '@meridian/plugin-regions-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CidrPoolPicker } from './CidrPoolPicker';
import { RegionPicker } from './RegionPicker';

function region(name: string, type: string, title?: string): RegionEntity {
  return {
    apiVersion: 'meridian.dev/v1alpha1',
    kind: 'Region',
    metadata: { name, namespace: 'default', ...(title ? { title } : {}) },
    spec: { type, lifecycle: 'production', owner: 'group:default/sre' },
  } as RegionEntity;
}

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

function readiness(ref: string, score: number): ReadinessResponse {
  return {
    region: ref,
    score,
    threshold: 94,
    ready: score >= 94,
    evaluatedAt: '2026-12-01T12:00:00.000Z',
    categories: [],
    history: [],
  };
}

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

describe('RegionPicker', () => {
  it("lists the hubs with their tier and readiness, and picks the region's ref", async () => {
    const props = fieldProps({
      uiSchema: { 'ui:options': { types: ['global-hub', 'regional-hub'] } },
    });
    await renderInTestApp(<RegionPicker {...props} />, {
      apis: [
        [
          catalogApiRef,
          catalogApiMock({
            entities: [
              region('studio-sul', 'regional-hub', 'Studio-Sul (Porto Alegre)'),
              region('studio-primary', 'global-hub'),
              region('studio-n', 'edge'),
            ],
          }),
        ],
        [discoveryApiRef, discovery],
        [
          fetchApiRef,
          regionsBackend({
            '/regions/default/studio-sul/readiness': readiness(
              'region:default/studio-sul',
              96.4,
            ),
          }),
        ],
      ],
    });

    await userEvent.click(screen.getByRole('button'));
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'studio-primary — global hub, readiness not evaluated',
      'Studio-Sul (Porto Alegre) — regional hub, readiness 96.4% (ready)',
    ]);
    await userEvent.click(options[1]);
    expect(props.onChange).toHaveBeenCalledWith('region:default/studio-sul');
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
