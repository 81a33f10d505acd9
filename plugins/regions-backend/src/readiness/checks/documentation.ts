import { ReadinessCheck } from '@meridian/plugin-regions-node';

/** Where the Region page's Runbooks card looks for them. */
export const TECHDOCS_ANNOTATION = 'backstage.io/techdocs-ref';
/** Another entity's TechDocs site, e.g. the shared runbooks of the Meridian system. */
export const TECHDOCS_ENTITY_ANNOTATION = 'backstage.io/techdocs-entity';
const TECHDOCS_ENTITY_PATH_ANNOTATION = 'backstage.io/techdocs-entity-path';

/**
 * The region has runbooks: its own TechDocs site (`backstage.io/techdocs-ref`),
 * another entity's (`backstage.io/techdocs-entity`), or a `metadata.links`
 * entry of type `runbook` or titled as one.
 */
export const runbookCheck: ReadinessCheck = {
  id: 'runbook',
  title: 'Runbook published',
  category: 'documentation',
  remediation: `Publish the region's failover and recovery runbooks with TechDocs (the ${TECHDOCS_ANNOTATION} annotation, or ${TECHDOCS_ENTITY_ANNOTATION} naming the entity whose docs hold them) or link them in metadata.links with type runbook.`,
  evaluate({ region, syncedAt }) {
    const techdocs = region.metadata.annotations?.[TECHDOCS_ANNOTATION];
    if (techdocs) {
      return {
        result: 'passed',
        evidence: `TechDocs at ${techdocs} (${TECHDOCS_ANNOTATION})`,
        evidenceAt: syncedAt,
      };
    }
    const docsEntity =
      region.metadata.annotations?.[TECHDOCS_ENTITY_ANNOTATION];
    if (docsEntity) {
      const docsPath =
        region.metadata.annotations?.[TECHDOCS_ENTITY_PATH_ANNOTATION] ?? '/';
      return {
        result: 'passed',
        evidence: `TechDocs of ${docsEntity} at ${docsPath} (${TECHDOCS_ENTITY_ANNOTATION})`,
        evidenceAt: syncedAt,
      };
    }
    const link = (region.metadata.links ?? []).find(
      l => l.type === 'runbook' || /runbook/i.test(l.title ?? ''),
    );
    if (link) {
      return {
        result: 'passed',
        evidence: `runbook link ${link.title ?? link.url}: ${link.url}`,
        evidenceAt: syncedAt,
      };
    }
    return {
      result: 'failed',
      evidence: `no ${TECHDOCS_ANNOTATION} or ${TECHDOCS_ENTITY_ANNOTATION} annotation and no runbook in metadata.links`,
      evidenceAt: syncedAt,
    };
  },
};
