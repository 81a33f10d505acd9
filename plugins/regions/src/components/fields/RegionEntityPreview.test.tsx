import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import yaml from 'yaml';
import {
  brazilAllocations,
  brazilPools,
} from '../../testing/allocationFixtures';
import { RegionEntityPreview } from './RegionEntityPreview';
import { ProvisionRegionForm } from './templateForm';

/** What the template's pages hold when the user reaches the last one. */
const form: ProvisionRegionForm = {
  name: 'studio-s3',
  title: 'Studio-S3 (Florianópolis)',
  type: 'edge',
  provider: 'colo',
  owner: 'group:default/sre',
  location: { city: 'Florianópolis', country: 'BR' },
  hub: 'region:default/studio-sul',
  pool: 'brazil',
  hubLatencyTargetMs: 15,
  transport: 'wireguard',
  userLatencyTargetMs: 20,
  residency: ['LGPD'],
  budget: { currency: 'USD' },
};

/** The regions backend's answers by path, as its routes give them. */
function regionsBackend(answers: Record<string, unknown>, status = 200) {
  return {
    fetch: async (input: RequestInfo | URL) => {
      const path = String(input).replace('http://regions.test/api/regions', '');
      return new Response(JSON.stringify(answers[path]), { status });
    },
  };
}

const discovery = {
  getBaseUrl: async (id: string) => `http://regions.test/api/${id}`,
};

async function renderPreview(
  formData: ProvisionRegionForm,
  backend = regionsBackend({
    '/pools': brazilPools(),
    '/allocations': brazilAllocations(),
  }),
) {
  const props = {
    onChange: jest.fn(),
    schema: { title: 'The Region entity this run will write' },
    formContext: { formData },
    uiSchema: {},
    idSchema: { $id: 'root_entityPreview' },
    rawErrors: [],
  } as any;
  await renderInTestApp(<RegionEntityPreview {...props} />, {
    apis: [
      [discoveryApiRef, discovery],
      [fetchApiRef, backend],
    ],
  });
  await screen.findByText(/The catalog (will accept|would refuse)/);
  return props;
}

/** The YAML the field shows, parsed back, once the highlighter has loaded. */
async function shownEntity() {
  const text = await waitFor(() => {
    const shown = document.querySelector('pre')?.textContent ?? '';
    expect(shown).toContain('kind: Region');
    return shown;
  });
  return yaml.parse(text);
}

describe('RegionEntityPreview', () => {
  it('shows the Region the run will write, with the next free block marked as a preview', async () => {
    const props = await renderPreview(form);

    expect(await shownEntity()).toEqual({
      apiVersion: 'meridian.dev/v1alpha1',
      kind: 'Region',
      metadata: { name: 'studio-s3', title: 'Studio-S3 (Florianópolis)' },
      spec: {
        type: 'edge',
        lifecycle: 'provisioning',
        owner: 'group:default/sre',
        provider: 'colo',
        location: { city: 'Florianópolis', country: 'BR' },
        hub: 'region:default/studio-sul',
        network: { cidr: '10.19.0.0/16', pool: 'brazil' },
        links: [
          {
            to: 'region:default/studio-sul',
            latencyTargetMs: 15,
            transport: 'wireguard',
          },
        ],
        userLatencyTargetMs: 20,
        residency: ['LGPD'],
        budget: { currency: 'USD' },
      },
    });
    expect(
      screen.getByText(
        /^spec.network.cidr 10.19.0.0\/16 is a preview: the next free block of pool brazil now/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('The catalog will accept this region.'),
    ).toBeInTheDocument();
    expect(props.onChange).not.toHaveBeenCalled();
  });

  it('shows the block a region already holds, which the run keeps', async () => {
    await renderPreview({ ...form, name: 'studio-s2' });

    expect((await shownEntity()).spec.network).toEqual({
      cidr: '10.18.0.0/16',
      pool: 'brazil',
    });
    expect(
      screen.getByText(
        'spec.network.cidr 10.18.0.0/16 is the block region:default/studio-s2 already holds in pool brazil; the run keeps it.',
      ),
    ).toBeInTheDocument();
  });

  it('names every field the catalog would refuse, with its value', async () => {
    await renderPreview({
      ...form,
      location: { city: 'Florianópolis', country: 'Brazil' },
      replication: { role: 'warm-standby' },
    });

    const problems = within(
      screen.getByRole('list', { name: 'Validation problems' }),
    ).getAllByRole('listitem');
    expect(problems.map(p => p.textContent)).toEqual([
      'spec.location.country "Brazil" must be an ISO 3166-1 alpha-2 code like BR',
      'spec.replication.source is required when spec.replication.role is "warm-standby"',
    ]);
  });

  it('warns when the pool is exhausted, and the entity has no block', async () => {
    await renderPreview({ ...form, pool: 'lab' });

    expect(
      screen.getByText('Pool lab is exhausted: the run will fail.'),
    ).toBeInTheDocument();
    expect((await shownEntity()).spec.network).toEqual({ pool: 'lab' });
  });

  it('still shows the entity when the backend cannot preview the block', async () => {
    await renderPreview(
      form,
      regionsBackend(
        {
          '/pools': { error: { name: 'Error', message: 'database down' } },
          '/allocations': {
            error: { name: 'Error', message: 'database down' },
          },
        },
        500,
      ),
    );

    expect(
      screen.getByText(
        /^The block cannot be previewed: the regions backend answered/,
      ),
    ).toBeInTheDocument();
    expect((await shownEntity()).metadata.name).toBe('studio-s3');
  });
});
