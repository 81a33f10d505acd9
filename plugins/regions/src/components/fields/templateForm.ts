import { RegionEntityInput } from '@meridian/plugin-regions-common';

/** The form of the "Provision a region" template, as its pages fill it. */
export interface ProvisionRegionForm {
  name?: string;
  title?: string;
  type?: RegionEntityInput['type'];
  owner?: string;
  provider?: string;
  location?: RegionEntityInput['location'];
  hub?: string;
  pool?: string;
  hubLatencyTargetMs?: number;
  transport?: string;
  userLatencyTargetMs?: number;
  residency?: string[];
  replication?: RegionEntityInput['replication'];
  budget?: RegionEntityInput['budget'];
}

/**
 * The input `meridian:region:create` gets from the template's `region` step,
 * built from the form the same way that step's `input:` builds it (keep the
 * two in step), with the block the allocation step will output.
 */
export function regionInputFromProvisionForm(
  form: ProvisionRegionForm,
  cidr: string | undefined,
): RegionEntityInput {
  return {
    name: form.name ?? '',
    title: form.title,
    type: form.type as RegionEntityInput['type'],
    lifecycle: 'provisioning',
    owner: form.owner ?? '',
    provider: form.provider,
    location: form.location,
    hub: form.hub,
    network: { cidr, pool: form.pool },
    links: [
      {
        to: form.hub ?? '',
        latencyTargetMs: form.hubLatencyTargetMs,
        transport: form.transport,
      },
    ],
    userLatencyTargetMs: form.userLatencyTargetMs,
    residency: form.residency,
    replication: form.replication,
    budget: form.budget,
  };
}
