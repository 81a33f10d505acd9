import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  InfoCardVariants,
  Progress,
  ResponseErrorPanel,
  StatusOK,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import ErrorOutlineIcon from '@material-ui/icons/ErrorOutline';
import { RegionConflict } from '@meridian/plugin-regions-common';
import useAsync from 'react-use/esm/useAsync';
import { regionsApiRef } from '../../api';

const CONFLICT_TITLES: Record<string, string> = {
  'cidr-overlap': 'Overlapping network blocks',
  'hub-cycle': 'Hub cycle',
  'unresolved-ref': 'Unresolved reference',
  'invalid-replication-source': 'Invalid replication source',
};

function ConflictItem(props: { conflict: RegionConflict; self: string }) {
  const { conflict, self } = props;
  const others = conflict.regions.filter(ref => ref !== self);
  return (
    <ListItem disableGutters alignItems="flex-start">
      <ListItemIcon>
        <ErrorOutlineIcon color="error" />
      </ListItemIcon>
      <ListItemText
        primary={`${CONFLICT_TITLES[conflict.type] ?? conflict.type}: ${
          conflict.message
        }`}
        secondaryTypographyProps={{ component: 'div' }}
        secondary={
          <>
            Field <code>{conflict.field}</code>
            {others.length > 0 && (
              <>
                {' · with '}
                {others.map((ref, i) => (
                  <span key={ref}>
                    {i > 0 && ', '}
                    <EntityRefLink entityRef={ref} defaultKind="region" />
                  </span>
                ))}
              </>
            )}
          </>
        }
      />
    </ListItem>
  );
}

/**
 * Problems the regions backend found across regions that involve this one,
 * such as an overlapping network block or a hub cycle.
 *
 * @public
 */
export function RegionConflictsCard(props: { variant?: InfoCardVariants }) {
  const { entity } = useEntity();
  const regionsApi = useApi(regionsApiRef);
  const self = stringifyEntityRef(entity);
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const { value, loading, error } = useAsync(
    () => regionsApi.getRegion({ namespace, name }),
    [regionsApi, namespace, name],
  );

  let content;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = (
      <ResponseErrorPanel
        title="Could not load conflicts from the regions backend"
        error={error}
      />
    );
  } else if (!value) {
    content = (
      <EmptyState
        missing="info"
        title="Not checked yet"
        description="The regions backend has not read this region from the catalog yet. Conflicts show up here once it has."
      />
    );
  } else if (value.conflicts.length === 0) {
    content = (
      <>
        <StatusOK>No conflicts</StatusOK>
        <Typography variant="body2" color="textSecondary">
          The regions backend found nothing that clashes with this region
          {value.syncedAt &&
            ` when it last read the catalog (${new Date(
              value.syncedAt,
            ).toLocaleString()})`}
          .
        </Typography>
      </>
    );
  } else {
    content = (
      <List disablePadding>
        {value.conflicts.map(conflict => (
          <ConflictItem
            key={`${conflict.type}:${conflict.field}:${conflict.regions.join(
              ',',
            )}`}
            conflict={conflict}
            self={self}
          />
        ))}
      </List>
    );
  }

  const count = value?.conflicts.length;
  return (
    <InfoCard
      title={count ? `Conflicts (${count})` : 'Conflicts'}
      variant={props.variant}
    >
      {content}
    </InfoCard>
  );
}
