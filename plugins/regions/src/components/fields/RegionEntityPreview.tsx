import { CodeSnippet, Progress } from '@backstage/core-components';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  buildRegionEntity,
  CidrAllocationsResponse,
  CidrPoolsResponse,
  validateRegionEntity,
} from '@meridian/plugin-regions-common';
import yaml from 'yaml';
import {
  ProvisionRegionForm,
  regionInputFromProvisionForm,
} from './templateForm';
import { useRegionsBackendJson } from './useRegionsBackend';

const POOLS_PATH = ['/pools'];
const ALLOCATIONS_PATH = ['/allocations'];

/** The block the run will get, and how the preview knows it. */
function previewBlock(
  form: ProvisionRegionForm,
  pools: CidrPoolsResponse | undefined,
  allocations: CidrAllocationsResponse | undefined,
): { cidr?: string; note: string } {
  if (!form.pool) {
    return { note: 'No CIDR pool is chosen, so the entity has no block yet.' };
  }
  // the allocation is idempotent per region: a region that holds a block keeps
  // it; the template's allocation step names the region like this
  const regionRef = `region:default/${form.name}`;
  const held = allocations?.allocations.find(
    a => a.region === regionRef && a.pool === form.pool,
  );
  if (held) {
    return {
      cidr: held.cidr,
      note: `spec.network.cidr ${held.cidr} is the block ${regionRef} already holds in pool ${form.pool}; the run keeps it.`,
    };
  }
  const pool = pools?.pools.find(p => p.name === form.pool);
  if (!pool) {
    return { note: `Pool ${form.pool} is not configured under regions.pools.` };
  }
  if (!pool.nextFree) {
    return { note: `Pool ${form.pool} is exhausted: the run will fail.` };
  }
  return {
    cidr: pool.nextFree,
    note: `spec.network.cidr ${pool.nextFree} is a preview: the next free block of pool ${form.pool} now. The run allocates the block when it starts, so another run may take this one first.`,
  };
}

/**
 * A scaffolder field for the last page of "Provision a region": the Region
 * entity the run will write, built from the whole form by the same function
 * `meridian:region:create` uses and checked by the catalog's validator, with
 * every problem named inline. It holds no value of its own.
 */
export function RegionEntityPreview(
  props: FieldExtensionComponentProps<string>,
) {
  const { schema, formContext } = props;
  const form = (formContext?.formData ?? {}) as ProvisionRegionForm;
  const pools = useRegionsBackendJson<CidrPoolsResponse>(POOLS_PATH);
  const allocations =
    useRegionsBackendJson<CidrAllocationsResponse>(ALLOCATIONS_PATH);

  const title = (
    <Typography variant="h6">
      {schema.title ?? 'The Region entity this run will write'}
    </Typography>
  );
  if (pools.loading || allocations.loading) {
    return (
      <Box my={2}>
        {title}
        <Progress />
      </Box>
    );
  }
  const backendError = pools.error ?? allocations.error;
  const block = backendError
    ? {
        note: `The block cannot be previewed: the regions backend answered ${backendError.message}`,
      }
    : previewBlock(form, pools.value?.[0], allocations.value?.[0]);
  const entity = buildRegionEntity(
    regionInputFromProvisionForm(form, block.cidr),
  );
  const problems = validateRegionEntity(entity);

  return (
    <Box my={2}>
      {title}
      {schema.description && (
        <Typography variant="body2" color="textSecondary">
          {schema.description}
        </Typography>
      )}
      <Box my={1}>
        <Alert severity={block.cidr ? 'info' : 'warning'}>{block.note}</Alert>
      </Box>
      <Box my={1}>
        {problems.length > 0 ? (
          <Alert severity="error">
            The catalog would refuse this region:
            <ul aria-label="Validation problems">
              {problems.map(problem => (
                <li key={problem.message}>{problem.message}</li>
              ))}
            </ul>
          </Alert>
        ) : (
          <Alert severity="success">The catalog will accept this region.</Alert>
        )}
      </Box>
      <CodeSnippet
        text={yaml.stringify(entity)}
        language="yaml"
        showCopyCodeButton
      />
    </Box>
  );
}
