import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { TopologyRegion } from '@meridian/plugin-regions-common';
import useAsync from 'react-use/esm/useAsync';
import { regionsApiRef } from '../../api';
import { formatScore } from '../../lib/format';

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

function optionLabel(region: TopologyRegion): string {
  const { readiness, health } = region;
  const facts = [
    TIER_LABELS[region.type] ?? region.type,
    readiness
      ? `readiness ${formatScore(readiness.score)} (${
          readiness.ready ? 'ready' : 'not ready'
        })`
      : 'readiness not evaluated',
    health && health.status !== 'unknown' && `health ${health.status}`,
  ].filter(Boolean);
  return `${region.title ?? region.name} — ${facts.join(', ')}`;
}

/**
 * A scaffolder field that picks a Region, searchable by name, showing each
 * candidate's tier, readiness and health; its value is the region's entity
 * ref. One `/topology` call of the regions backend feeds every option.
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
  const regionsApi = useApi(regionsApiRef);
  const regions = useAsync(async () => {
    const { regions: all } = await regionsApi.getTopology();
    return all
      .filter(region => !types?.length || types.includes(region.type))
      .sort((a, b) => a.name.localeCompare(b.name));
  }, [regionsApi, (types ?? []).join(',')]);

  let help = schema.description;
  if (regions.error) {
    help = `Could not load regions: ${regions.error.message}`;
  } else if (regions.loading) {
    help = 'Loading regions…';
  }
  const options = regions.value ?? [];
  return (
    <Autocomplete
      id={idSchema?.$id ?? 'region-picker'}
      options={options}
      loading={regions.loading}
      value={options.find(region => region.ref === formData) ?? null}
      getOptionLabel={optionLabel}
      getOptionSelected={(option, value) => option.ref === value.ref}
      onChange={(_, region) => onChange(region?.ref ?? '')}
      renderInput={params => (
        <TextField
          {...params}
          label={schema.title ?? 'Region'}
          margin="normal"
          required={required}
          error={Boolean(rawErrors?.length) || Boolean(regions.error)}
          helperText={help}
        />
      )}
    />
  );
}
