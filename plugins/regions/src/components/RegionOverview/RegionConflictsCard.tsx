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
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ErrorOutlineIcon from '@material-ui/icons/ErrorOutline';
import { RegionConflict } from '@meridian/plugin-regions-common';
import { regionsApiRef } from '../../api';
import { useLiveData } from '../../lib/useLiveData';
import { StaleBanner } from '../StaleBanner';

/** The backend reads the catalog every few minutes. */
const REFRESH_INTERVAL_MS = 60_000;
import { formatAge } from '../../lib/format';

const CONFLICT_TITLES: Record<string, string> = {
  'cidr-overlap': 'Overlapping network blocks',
  'hub-cycle': 'Hub cycle',
  'unresolved-ref': 'Unresolved reference',
  'invalid-replication-source': 'Invalid replication source',
  'database-binding': 'Database binding',
  'traffic-binding': 'Traffic binding',
  'split-brain': 'Split brain',
};

const useStyles = makeStyles(theme => ({
  critical: {
    borderLeft: `4px solid ${theme.palette.error.main}`,
    paddingLeft: theme.spacing(1),
  },
  criticalLabel: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
    fontWeight: 'bold',
    marginRight: theme.spacing(1),
  },
}));

function isCritical(conflict: RegionConflict): boolean {
  return conflict.severity === 'critical';
}

function ConflictItem(props: { conflict: RegionConflict; self: string }) {
  const { conflict, self } = props;
  const classes = useStyles();
  const critical = isCritical(conflict);
  const others = conflict.regions.filter(ref => ref !== self);
  const title = `${CONFLICT_TITLES[conflict.type] ?? conflict.type}: ${
    conflict.message
  }`;
  return (
    <ListItem
      disableGutters
      alignItems="flex-start"
      aria-label={critical ? `Critical: ${title}` : title}
      className={critical ? classes.critical : undefined}
    >
      <ListItemIcon>
        <ErrorOutlineIcon color="error" />
      </ListItemIcon>
      <ListItemText
        primaryTypographyProps={{
          component: 'div',
          color: critical ? 'error' : undefined,
        }}
        primary={
          <>
            {critical && (
              <Chip
                size="small"
                label="critical"
                className={classes.criticalLabel}
              />
            )}
            {title}
          </>
        }
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
            {conflict.observedAt && (
              <span title={new Date(conflict.observedAt).toLocaleString()}>
                {` · observed ${formatAge(conflict.observedAt)}`}
              </span>
            )}
          </>
        }
      />
    </ListItem>
  );
}

/**
 * Problems the regions backend found across regions that involve this one,
 * such as an overlapping network block or a hub cycle. Critical ones (two
 * writable primaries of one replication set) come first, in red, with when
 * they were observed.
 *
 * @public
 */
export function RegionConflictsCard(props: { variant?: InfoCardVariants }) {
  const { entity } = useEntity();
  const regionsApi = useApi(regionsApiRef);
  const self = stringifyEntityRef(entity);
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const { value, loading, error, stale } = useLiveData(
    () => regionsApi.getRegion({ namespace, name }),
    [regionsApi, namespace, name],
    { pollMs: REFRESH_INTERVAL_MS },
  );
  // what can lose data now (two writable primaries) comes before the rest
  const conflicts = value
    ? [...value.conflicts].sort(
        (a, b) => Number(isCritical(b)) - Number(isCritical(a)),
      )
    : [];

  let content;
  if (loading) {
    content = <Progress />;
  } else if (error && !value) {
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
        {conflicts.map(conflict => (
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

  let title = 'Conflicts';
  if (conflicts.length > 0) {
    const critical = conflicts.filter(isCritical).length;
    title = critical
      ? `Conflicts (${conflicts.length}, ${critical} critical)`
      : `Conflicts (${conflicts.length})`;
  }
  return (
    <InfoCard title={title} variant={props.variant}>
      <StaleBanner stale={stale} what="conflicts" />
      {content}
    </InfoCard>
  );
}
