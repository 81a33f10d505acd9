import { InfoCard, InfoCardVariants, Link } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import MenuBookIcon from '@material-ui/icons/MenuBook';

const TECHDOCS_ANNOTATION = 'backstage.io/techdocs-ref';

/**
 * Where the region's runbooks live: its TechDocs site when it has one.
 *
 * @public
 */
export function RegionRunbooksCard(props: { variant?: InfoCardVariants }) {
  const { entity } = useEntity();
  const hasDocs = Boolean(entity.metadata.annotations?.[TECHDOCS_ANNOTATION]);
  // The TechDocs reader's route, /docs/:namespace/:kind/:name.
  const docsPath = `/docs/${
    entity.metadata.namespace ?? 'default'
  }/${entity.kind.toLocaleLowerCase('en-US')}/${entity.metadata.name}`;

  return (
    <InfoCard title="Runbooks" variant={props.variant}>
      {hasDocs ? (
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
          TechDocs.
        </Typography>
      )}
    </InfoCard>
  );
}
