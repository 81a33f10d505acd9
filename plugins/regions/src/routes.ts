import {
  createExternalRouteRef,
  createRouteRef,
} from '@backstage/core-plugin-api';

/**
 * The Regions page. A legacy route ref, which the new frontend system accepts
 * too, so that both plugin flavours share it.
 *
 * @public
 */
export const rootRouteRef = createRouteRef({ id: 'regions' });

/**
 * The TechDocs reader of an entity, where a region's runbooks are published:
 * bind it to `techdocs.docRoot` (the default). Unbound, no runbook links show.
 *
 * @public
 */
export const techdocsReaderRouteRef = createExternalRouteRef({
  id: 'regions:techdocs-reader',
  params: ['namespace', 'kind', 'name'],
  optional: true,
  defaultTarget: 'techdocs.docRoot',
});

/**
 * A scaffolder template's page, for the "Run a failover" template: bind it
 * to `scaffolder.selectedTemplate` (the default). Unbound, the dialog does
 * not offer the template.
 *
 * @public
 */
export const scaffolderTemplateRouteRef = createExternalRouteRef({
  id: 'regions:scaffolder-template',
  params: ['namespace', 'templateName'],
  optional: true,
  defaultTarget: 'scaffolder.selectedTemplate',
});
