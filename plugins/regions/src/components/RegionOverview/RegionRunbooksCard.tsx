import {
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
} from '@backstage/catalog-model';
import { InfoCard, InfoCardVariants, Link } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import MenuBookIcon from '@material-ui/icons/MenuBook';

const TECHDOCS_ANNOTATION = 'backstage.io/techdocs-ref';
// Docs published by another entity (e.g. the runbooks of the Meridian system),
// and the page of them to open; the TechDocs plugin honours both.
const TECHDOCS_ENTITY_ANNOTATION = 'backstage.io/techdocs-entity';
const TECHDOCS_ENTITY_PATH_ANNOTATION = 'backstage.io/techdocs-entity-path';

/** The TechDocs reader route, /docs/:namespace/:kind/:name, plus a page. */
function docsPathOf(entity: Entity): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  let ref: CompoundEntityRef = getCompoundEntityRef(entity);
  let page = '';
  if (annotations[TECHDOCS_ENTITY_ANNOTATION]) {
    try {
      ref = parseEntityRef(annotations[TECHDOCS_ENTITY_ANNOTATION]);
    } catch {
      return undefined;
    }
    const path = annotations[TECHDOCS_ENTITY_PATH_ANNOTATION] ?? '';
    page = path && !path.startsWith('/') ? `/${path}` : path;
  } else if (!annotations[TECHDOCS_ANNOTATION]) {
    return undefined;
  }
  return `/docs/${ref.namespace}/${ref.kind.toLocaleLowerCase('en-US')}/${
    ref.name
  }${page}`;
}

/**
 * Where the region's runbooks live: its own TechDocs site, or the docs of the
 * entity its `backstage.io/techdocs-entity` annotation names.
 *
 * @public
 */
export function RegionRunbooksCard(props: { variant?: InfoCardVariants }) {
  const { entity } = useEntity();
  const docsPath = docsPathOf(entity);

  return (
    <InfoCard title="Runbooks" variant={props.variant}>
      {docsPath ? (
        <>
          <Typography variant="body2" paragraph>
            Failover, drill and recovery runbooks for this region are published
            in TechDocs.
          </Typography>
          <Link to={docsPath}>
            <MenuBookIcon fontSize="inherit" /> Open the runbooks
          </Link>
        </>
      ) : (
        <Typography variant="body2" color="textSecondary">
          No runbooks are registered for this region. Add the{' '}
          <code>{TECHDOCS_ANNOTATION}</code> annotation to publish them with
          TechDocs, or <code>{TECHDOCS_ENTITY_ANNOTATION}</code> to use another
          entity&apos;s.
        </Typography>
      )}
    </InfoCard>
  );
}
