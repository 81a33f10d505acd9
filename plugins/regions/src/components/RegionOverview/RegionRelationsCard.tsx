import {
  Entity,
  RELATION_OWNED_BY,
  parseEntityRef,
} from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  InfoCardVariants,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  EntityRefLink,
  catalogApiRef,
  humanizeEntityRef,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import {
  RELATION_HAS_REPLICA,
  RELATION_HOSTS,
  RELATION_HUB_OF,
  RELATION_REPLICA_OF,
  RELATION_SPOKE_OF,
  RegionEntity,
  RegionType,
  regionTier,
} from '@meridian/plugin-regions-common';
import { useLiveData } from '../../lib/useLiveData';
import { StaleBanner } from '../StaleBanner';
import { formatTier } from '../../lib/format';

interface RelationGroup {
  title: string;
  type: string;
  /** For `hosts`, which kind of entity the group lists. */
  kind?: string;
}

const GROUPS: RelationGroup[] = [
  { title: 'Hub', type: RELATION_SPOKE_OF },
  { title: 'Spokes', type: RELATION_HUB_OF },
  { title: 'Replica source', type: RELATION_REPLICA_OF },
  { title: 'Replicas', type: RELATION_HAS_REPLICA },
  { title: 'Owner', type: RELATION_OWNED_BY },
  { title: 'Hosted components', type: RELATION_HOSTS, kind: 'component' },
  { title: 'Hosted systems', type: RELATION_HOSTS, kind: 'system' },
  { title: 'Hosted resources', type: RELATION_HOSTS, kind: 'resource' },
];

const DETAIL_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'spec.type',
  'spec.lifecycle',
];

function refsOf(entity: Entity, group: RelationGroup) {
  return (entity.relations ?? [])
    .filter(relation => relation.type === group.type)
    .map(relation => relation.targetRef)
    .filter(
      ref =>
        !group.kind ||
        parseEntityRef(ref).kind.toLocaleLowerCase('en-US') === group.kind,
    )
    .sort();
}

/** "2 · regional hub · production" for a region, "service · production" for others. */
function describe(related: Entity | undefined) {
  if (!related) {
    return undefined;
  }
  const type = related.spec?.type as string | undefined;
  const lifecycle = related.spec?.lifecycle as string | undefined;
  const tier =
    related.kind.toLocaleLowerCase('en-US') === 'region' && type
      ? (regionTier(type as RegionType) as 1 | 2 | 3 | undefined)
      : undefined;
  const typeText = tier ? formatTier(tier) : type;
  return [typeText, lifecycle].filter(Boolean).join(' · ') || undefined;
}

function RelatedEntity(props: { entityRef: string; related?: Entity }) {
  const { entityRef, related } = props;
  const ref = parseEntityRef(entityRef);
  // Each group names the kind, so the fallback title leaves it out.
  const title =
    related?.metadata.title ??
    humanizeEntityRef(ref, { defaultKind: ref.kind });
  return (
    <ListItem disableGutters dense>
      <ListItemText
        primary={<EntityRefLink entityRef={entityRef}>{title}</EntityRefLink>}
        secondary={describe(related)}
      />
    </ListItem>
  );
}

/**
 * What a region is connected to: its hub and spokes, its replica source and
 * replicas, its owner, and the components, systems and resources it hosts.
 *
 * @public
 */
export function RegionRelationsCard(props: { variant?: InfoCardVariants }) {
  const { entity } = useEntity<RegionEntity>();
  const catalogApi = useApi(catalogApiRef);
  const groups = GROUPS.map(group => ({
    ...group,
    refs: refsOf(entity, group),
  }));
  const allRefs = [...new Set(groups.flatMap(group => group.refs))];

  const details = useLiveData(async () => {
    if (allRefs.length === 0) {
      return new Map<string, Entity>();
    }
    const { items } = await catalogApi.getEntitiesByRefs({
      entityRefs: allRefs,
      fields: DETAIL_FIELDS,
    });
    return new Map(
      allRefs.flatMap((ref, i) => (items[i] ? [[ref, items[i]!]] : [])),
    );
  }, [catalogApi, allRefs.join(',')]);

  let content;
  if (allRefs.length === 0) {
    content = (
      <EmptyState
        missing="info"
        title="No relations yet"
        description="Relations appear once the catalog has processed the region's hub, replication source and the entities deployed to it."
      />
    );
  } else if (details.loading) {
    content = <Progress />;
  } else {
    content = (
      <>
        <StaleBanner stale={details.stale} what="related entities" />
        {details.error && !details.value && (
          <Box mb={2}>
            <WarningPanel
              title="Could not load the related entities' details"
              message={details.error.message}
            />
          </Box>
        )}
        <Grid container spacing={2}>
          {groups.map(group => (
            <Grid item xs={12} sm={6} md={3} key={group.title}>
              <section aria-label={group.title}>
                <Typography variant="subtitle2" component="h3">
                  {group.title}
                </Typography>
                {group.refs.length === 0 ? (
                  <Typography variant="body2" color="textSecondary">
                    None
                  </Typography>
                ) : (
                  <List dense disablePadding>
                    {group.refs.map(ref => (
                      <RelatedEntity
                        key={ref}
                        entityRef={ref}
                        related={details.value?.get(ref)}
                      />
                    ))}
                  </List>
                )}
              </section>
            </Grid>
          ))}
        </Grid>
      </>
    );
  }

  return (
    <InfoCard title="Hub, replicas and workloads" variant={props.variant}>
      {content}
    </InfoCard>
  );
}
