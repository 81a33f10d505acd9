import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import {
  ReadinessResponse,
  REGION_KIND,
  RegionEntity,
} from '@meridian/plugin-regions-common';
import useAsync from 'react-use/esm/useAsync';
import { formatScore } from '../../lib/format';
import { useRegionsBackendJson } from './useRegionsBackend';

/** `ui:options` of RegionPicker. */
export interface RegionPickerUiOptions {
  /** Only regions of these tiers, e.g. `[global-hub, regional-hub]`. */
  types?: string[];
}

const TIER_LABELS: Record<string, string> = {
  'global-hub': 'global hub',
  'regional-hub': 'regional hub',
  edge: 'edge',
};

function readinessLabel(readiness: ReadinessResponse | undefined): string {
  if (!readiness || typeof readiness.score !== 'number') {
    return 'readiness not evaluated';
  }
  return `readiness ${formatScore(readiness.score)} ${
    readiness.ready ? '(ready)' : `(below ${formatScore(readiness.threshold)})`
  }`;
}

/**
 * A scaffolder field that picks a Region entity, showing each candidate's
 * tier and readiness; its value is the region's entity ref.
 */
export function RegionPicker(
  props: FieldExtensionComponentProps<string, RegionPickerUiOptions>,
) {
  const {
    formData,
    onChange,
    schema,
    required,
    rawErrors,
    uiSchema,
    idSchema,
  } = props;
  const types = uiSchema?.['ui:options']?.types;
  const catalogApi = useApi(catalogApiRef);
  const regions = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: {
        kind: REGION_KIND,
        ...(types?.length ? { 'spec.type': types } : {}),
      },
    });
    return (items as RegionEntity[]).sort((a, b) =>
      a.metadata.name.localeCompare(b.metadata.name),
    );
  }, [catalogApi, (types ?? []).join(',')]);
  const refs = (regions.value ?? []).map(region => stringifyEntityRef(region));
  const readiness = useRegionsBackendJson<ReadinessResponse>(
    refs.map(ref => {
      const [, namespace, name] = ref.match(/^region:([^/]+)\/(.+)$/)!;
      return `/regions/${namespace}/${name}/readiness`;
    }),
  );

  const error = regions.error ?? readiness.error;
  let help = schema.description;
  if (error) {
    help = `Could not load regions: ${error.message}`;
  } else if (regions.loading) {
    help = 'Loading regions…';
  }
  const id = idSchema?.$id ?? 'region-picker';
  return (
    <FormControl
      fullWidth
      margin="normal"
      required={required}
      error={Boolean(rawErrors?.length) || Boolean(error)}
    >
      <InputLabel id={`${id}-label`}>{schema.title ?? 'Region'}</InputLabel>
      <Select
        labelId={`${id}-label`}
        value={formData ?? ''}
        onChange={event => onChange(event.target.value as string)}
      >
        {(regions.value ?? []).map((region, index) => {
          const ref = refs[index];
          return (
            <MenuItem key={ref} value={ref}>
              {region.metadata.title ?? region.metadata.name} —{' '}
              {TIER_LABELS[region.spec.type] ?? region.spec.type},{' '}
              {readiness.loading
                ? 'readiness…'
                : readinessLabel(readiness.value?.[index])}
            </MenuItem>
          );
        })}
      </Select>
      <FormHelperText>{help}</FormHelperText>
    </FormControl>
  );
}
