import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import { CidrPoolsResponse } from '@meridian/plugin-regions-common';
import { useRegionsBackendJson } from './useRegionsBackend';

const POOLS_PATH = ['/pools'];

/**
 * A scaffolder field that picks a CIDR pool of `regions.pools` and previews
 * the block the run will allocate from it; its value is the pool's name.
 */
export function CidrPoolPicker(props: FieldExtensionComponentProps<string>) {
  const { formData, onChange, schema, required, rawErrors, idSchema } = props;
  const { value, loading, error } =
    useRegionsBackendJson<CidrPoolsResponse>(POOLS_PATH);
  const pools = value?.[0]?.pools ?? [];
  const selected = pools.find(pool => pool.name === formData);
  const id = idSchema?.$id ?? 'cidr-pool-picker';

  let help: string | undefined = schema.description;
  if (error) {
    help = `Could not load the pools: ${error.message}`;
  } else if (loading) {
    help = 'Loading pools…';
  } else if (pools.length === 0) {
    help = 'No CIDR pools are configured under regions.pools';
  } else if (selected?.nextFree) {
    help = `This run will allocate ${selected.nextFree} (the next free block; ${selected.used} of ${selected.capacity} are held)`;
  }

  return (
    <FormControl
      fullWidth
      margin="normal"
      required={required}
      error={Boolean(rawErrors?.length) || Boolean(error)}
    >
      <InputLabel id={`${id}-label`}>{schema.title ?? 'CIDR pool'}</InputLabel>
      <Select
        labelId={`${id}-label`}
        value={formData ?? ''}
        onChange={event => onChange(event.target.value as string)}
      >
        {pools.map(pool => (
          <MenuItem key={pool.name} value={pool.name} disabled={!pool.nextFree}>
            {pool.name} ({pool.cidr}, /{pool.prefixLength} blocks) —{' '}
            {pool.nextFree ? `next ${pool.nextFree}` : 'exhausted'}
          </MenuItem>
        ))}
      </Select>
      <FormHelperText>{help}</FormHelperText>
    </FormControl>
  );
}
