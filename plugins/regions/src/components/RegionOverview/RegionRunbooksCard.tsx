import { InfoCard, InfoCardVariants, Link } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import MenuBookIcon from '@material-ui/icons/MenuBook';
import {
  RUNBOOK_PAGES,
  runbookPath,
  runbooksEntryPath,
  useRunbooksSite,
} from '../../lib/runbooks';

const TECHDOCS_ANNOTATION = 'backstage.io/techdocs-ref';
const TECHDOCS_ENTITY_ANNOTATION = 'backstage.io/techdocs-entity';

/**
 * Where the region's runbooks live: its own TechDocs site, or the docs of the
 * entity its `backstage.io/techdocs-entity` annotation names.
 *
 * @public
 */
export function RegionRunbooksCard(props: { variant?: InfoCardVariants }) {
  const { entity } = useEntity();
  const site = useRunbooksSite(entity);
  const entry = runbooksEntryPath(entity, site);

  return (
    <InfoCard title="Runbooks" variant={props.variant}>
      {site && entry ? (
        <>
          <Typography variant="body2" paragraph>
            Failover, drill and recovery runbooks for this region are published
            in TechDocs.
          </Typography>
          <Link to={entry}>
            <MenuBookIcon fontSize="inherit" /> Open the runbooks
          </Link>
          <ul>
            {RUNBOOK_PAGES.map(({ page, title }) => (
              <li key={page}>
                <Link to={runbookPath(site, page)}>{title}</Link>
              </li>
            ))}
          </ul>
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
