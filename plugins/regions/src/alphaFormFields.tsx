import {
  createFormField,
  FormFieldBlueprint,
} from '@backstage/plugin-scaffolder-react/alpha';

/** `scaffolder-form-field:regions/region-picker` */
export const regionPickerFormField = FormFieldBlueprint.make({
  name: 'region-picker',
  params: {
    field: () =>
      import('./components/fields').then(m =>
        createFormField({ name: 'RegionPicker', component: m.RegionPicker }),
      ),
  },
});

/** `scaffolder-form-field:regions/cidr-pool-picker` */
export const cidrPoolPickerFormField = FormFieldBlueprint.make({
  name: 'cidr-pool-picker',
  params: {
    field: () =>
      import('./components/fields').then(m =>
        createFormField({
          name: 'CidrPoolPicker',
          component: m.CidrPoolPicker,
        }),
      ),
  },
});

/** `scaffolder-form-field:regions/region-entity-preview` */
export const regionEntityPreviewFormField = FormFieldBlueprint.make({
  name: 'region-entity-preview',
  params: {
    field: () =>
      import('./components/fields').then(m =>
        createFormField({
          name: 'RegionEntityPreview',
          component: m.RegionEntityPreview,
        }),
      ),
  },
});
