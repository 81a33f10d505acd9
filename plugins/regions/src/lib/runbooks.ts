import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { useRouteRef } from '@backstage/core-plugin-api';
import { FailoverRunMode } from '@meridian/plugin-regions-common';
import { techdocsReaderRouteRef } from '../routes';

const TECHDOCS_REF_ANNOTATION = 'backstage.io/techdocs-ref';
/** Points at another entity whose TechDocs site documents this one. */
const TECHDOCS_ENTITY_ANNOTATION = 'backstage.io/techdocs-entity';
/** The page of that site to open first, e.g. `/runbooks/`. */
const TECHDOCS_ENTITY_PATH_ANNOTATION = 'backstage.io/techdocs-entity-path';

/** The runbook pages under `runbooks/` of the region's TechDocs site. */
export const RUNBOOK_PAGES = [
  { page: 'failover', title: 'Emergency failover' },
  { page: 'switchover', title: 'Switchover' },
  { page: 'failback', title: 'Failback (pg_rewind)' },
  { page: 'dr-drill', title: 'DR drill' },
] as const;

export type RunbookPage = (typeof RUNBOOK_PAGES)[number]['page'];

/** The runbook an operator follows for a run of each mode. */
export const RUNBOOK_OF_MODE: Record<FailoverRunMode, RunbookPage> = {
  drill: 'dr-drill',
  switchover: 'switchover',
  failover: 'failover',
  // an unplanned promotion: what follows is the emergency failover's aftermath
  detected: 'failover',
};

/** The entity whose TechDocs site holds the runbooks, as the reader route takes it. */
export interface DocsEntity {
  namespace: string;
  kind: string;
  name: string;
}

/**
 * The entity whose TechDocs site holds the region's runbooks: the one
 * `backstage.io/techdocs-entity` names, else the region itself when it has
 * `backstage.io/techdocs-ref`; undefined when it has neither (or a malformed
 * entity ref).
 */
export function runbooksDocsEntity(entity: Entity): DocsEntity | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const namespace = entity.metadata.namespace ?? 'default';
  let docsEntity: DocsEntity;
  if (annotations[TECHDOCS_ENTITY_ANNOTATION]) {
    try {
      docsEntity = parseEntityRef(annotations[TECHDOCS_ENTITY_ANNOTATION], {
        defaultNamespace: namespace,
      });
    } catch {
      return undefined;
    }
  } else if (annotations[TECHDOCS_REF_ANNOTATION]) {
    docsEntity = { kind: entity.kind, namespace, name: entity.metadata.name };
  } else {
    return undefined;
  }
  return { ...docsEntity, kind: docsEntity.kind.toLocaleLowerCase('en-US') };
}

/** `/docs/default/region/us-east/runbooks/switchover/` */
export function runbookPath(site: string, page: RunbookPage): string {
  return `${site}/runbooks/${page}/`;
}

/**
 * Where "Open the runbooks" goes: the site, at the page
 * `backstage.io/techdocs-entity-path` names when the site is another entity's.
 */
export function runbooksEntryPath(
  entity: Entity,
  site: string | undefined,
): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const page = annotations[TECHDOCS_ENTITY_ANNOTATION]
    ? annotations[TECHDOCS_ENTITY_PATH_ANNOTATION] ?? ''
    : '';
  return site && `${site}${page && !page.startsWith('/') ? '/' : ''}${page}`;
}

/**
 * The TechDocs reader path of the site that holds the region's runbooks,
 * e.g. `/docs/default/region/us-east`, through the app's binding of
 * `techdocsReaderRouteRef`; undefined without docs or without TechDocs.
 */
export function useRunbooksSite(entity: Entity): string | undefined {
  const readerPath = useRouteRef(techdocsReaderRouteRef);
  const docsEntity = runbooksDocsEntity(entity);
  return docsEntity && readerPath?.(docsEntity);
}
