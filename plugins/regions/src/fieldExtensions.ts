import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import {
  CidrPoolPicker,
  RegionEntityPreview,
  RegionPicker,
} from './components/fields';
import { regionsPlugin } from './plugin';

/**
 * The `RegionPicker` scaffolder field for legacy apps: picks a Region,
 * showing each one's tier and readiness. Mount it inside
 * `<ScaffolderFieldExtensions>`.
 *
 * @public
 */
export const RegionPickerFieldExtension = regionsPlugin.provide(
  createScaffolderFieldExtension({
    name: 'RegionPicker',
    component: RegionPicker,
  }),
);

/**
 * The `CidrPoolPicker` scaffolder field for legacy apps: picks a CIDR pool
 * and previews the block the run will allocate.
 *
 * @public
 */
export const CidrPoolPickerFieldExtension = regionsPlugin.provide(
  createScaffolderFieldExtension({
    name: 'CidrPoolPicker',
    component: CidrPoolPicker,
  }),
);

/**
 * The `RegionEntityPreview` scaffolder field for legacy apps: shows the Region
 * entity "Provision a region" will write, validated as the catalog will.
 *
 * @public
 */
export const RegionEntityPreviewFieldExtension = regionsPlugin.provide(
  createScaffolderFieldExtension({
    name: 'RegionEntityPreview',
    component: RegionEntityPreview,
  }),
);
