import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  InfoCardVariants,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  EntityRefLink,
  catalogApiRef,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import {
  ANNOTATION_DEPLOYED_REGIONS,
  RegionConflict,
  RegionEntity,
  regionTier,
  RELATION_DEPLOYED_IN,
} from '@meridian/plugin-regions-common';
import { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { regionsApiRef } from '../../api';
import { useLiveData } from '../../lib/useLiveData';
import { StaleBanner } from '../StaleBanner';
import { formatLocation, formatTier } from '../../lib/format';
import { REGION_IDENTITY_FIELDS } from '../../lib/regions';

const REGION_FIELDS = [
  ...REGION_IDENTITY_FIELDS,
  'spec.type',
  'spec.lifecycle',
  'spec.location',
];

function DeployedRegionsTable(props: { regions: RegionEntity[] }) {
  return (
    <Table size="small" aria-label="Regions">
      <TableHead>
        <TableRow>
          <TableCell>Region</TableCell>
          <TableCell>Tier</TableCell>
          <TableCell>Location</TableCell>
          <TableCell>Lifecycle</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.regions.map(region => (
          <TableRow
            key={`${region.metadata.namespace}/${region.metadata.name}`}
          >
            <TableCell>
              <EntityRefLink entityRef={region}>
                {region.metadata.title ?? region.metadata.name}
              </EntityRefLink>
            </TableCell>
            <TableCell>{formatTier(regionTier(region.spec.type))}</TableCell>
            <TableCell>{formatLocation(region.spec.location) ?? '—'}</TableCell>
            <TableCell>{region.spec.lifecycle}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** The conflicts the regions backend found on this entity, e.g. data deployed outside its residency. */
function EntityConflicts(props: { entityRef: string }) {
  const regionsApi = useApi(regionsApiRef);
  const { value, error } = useAsync(
    () => regionsApi.getEntityConflicts(props.entityRef),
    [regionsApi, props.entityRef],
  );
  if (error) {
    return (
      <Box mb={2}>
        <WarningPanel
          title="Could not check this entity's residency"
          message={`The regions backend did not answer: ${error.message}`}
        />
      </Box>
    );
  }
  const conflicts: RegionConflict[] = value ?? [];
  if (conflicts.length === 0) {
    return null;
  }
  return (
    <Box mb={2}>
      <WarningPanel
        severity="error"
        defaultExpanded
        title={`${conflicts.length} data residency ${
          conflicts.length === 1 ? 'conflict' : 'conflicts'
        }`}
      >
        <ul aria-label="Residency conflicts">
          {conflicts.map(conflict => (
            <li key={conflict.message}>{conflict.message}</li>
          ))}
        </ul>
      </WarningPanel>
    </Box>
  );
}

/**
 * The regions a Component, System or Resource is deployed in, from its
 * `deployedIn` relations, and the residency conflicts of deploying it there.
 *
 * @public
 */
export function EntityRegionsCard(props: { variant?: InfoCardVariants }) {
  const { entity } = useEntity<Entity>();
  const catalogApi = useApi(catalogApiRef);
  const refs = (entity.relations ?? [])
    .filter(relation => relation.type === RELATION_DEPLOYED_IN)
    .map(relation => relation.targetRef);

  const { value, loading, error, stale } = useLiveData(async () => {
    if (refs.length === 0) {
      return { regions: [], missing: [] };
    }
    const { items } = await catalogApi.getEntitiesByRefs({
      entityRefs: refs,
      fields: REGION_FIELDS,
    });
    return {
      regions: items.filter((item): item is RegionEntity => Boolean(item)),
      missing: refs.filter((_, i) => !items[i]),
    };
  }, [catalogApi, refs.join(',')]);

  let content: ReactNode;
  if (refs.length === 0) {
    content = (
      <EmptyState
        missing="field"
        title="Not deployed in any region"
        description={
          <>
            Add the <code>{ANNOTATION_DEPLOYED_REGIONS}</code> annotation with
            the regions this {entity.kind.toLocaleLowerCase('en-US')} runs in,
            for example <code>sa-east, us-east</code>.
          </>
        }
      />
    );
  } else if (loading) {
    content = <Progress />;
  } else if (error && !value) {
    content = (
      <ResponseErrorPanel
        title="Could not load the regions from the catalog"
        error={error}
      />
    );
  } else {
    const regions = value?.regions ?? [];
    const missing = value?.missing ?? [];
    content = (
      <>
        <EntityConflicts entityRef={stringifyEntityRef(entity)} />
        {missing.length > 0 && (
          <Box mb={2}>
            <WarningPanel
              title="Some regions are not in the catalog"
              message={`Deployed in regions the catalog does not know: ${missing.join(
                ', ',
              )}.`}
            />
          </Box>
        )}
        {regions.length > 0 && <DeployedRegionsTable regions={regions} />}
      </>
    );
  }

  return (
    <InfoCard title="Regions" variant={props.variant}>
      <StaleBanner stale={stale} what="regions" />
      {content}
    </InfoCard>
  );
}
