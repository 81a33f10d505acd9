import { InfoCard, InfoCardVariants } from '@backstage/core-components';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Divider from '@material-ui/core/Divider';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  RegionEntity,
  regionTier,
  resolveRegionRef,
} from '@meridian/plugin-regions-common';
import {
  formatAvailability,
  formatBudget,
  formatLocation,
  formatRpo,
  formatSeconds,
  formatTier,
} from '../../lib/format';
import { DetailField, DetailSection } from './DetailField';

const useStyles = makeStyles(theme => ({
  sections: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
  },
  mono: {
    fontFamily: 'monospace',
  },
}));

/** Chips for a list field, or nothing when the list is empty so the field reads "Not declared". */
function chips(values: string[] | undefined) {
  return values?.length ? (
    <Box display="flex" flexWrap="wrap" gridGap={4} component="span">
      {values.map(value => (
        <Chip key={value} label={value} size="small" />
      ))}
    </Box>
  ) : undefined;
}

function regionLink(entityRef: string | undefined) {
  return entityRef ? (
    <EntityRefLink entityRef={entityRef} defaultKind="region" />
  ) : undefined;
}

function LinksTable(props: { entity: RegionEntity }) {
  const { entity } = props;
  const links = entity.spec.links ?? [];
  if (links.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No links to other regions are declared.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Links">
      <TableHead>
        <TableRow>
          <TableCell>To</TableCell>
          <TableCell>Latency target</TableCell>
          <TableCell>Transport</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {links.map(link => (
          <TableRow key={link.to}>
            <TableCell>
              {regionLink(resolveRegionRef(link.to, entity)) ?? link.to}
            </TableCell>
            <TableCell>
              {link.latencyTargetMs === undefined
                ? '—'
                : `${link.latencyTargetMs} ms`}
            </TableCell>
            <TableCell>{link.transport ?? '—'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * Every field of a Region's spec, grouped for reading: placement, network,
 * service targets, replication, budget and capabilities.
 *
 * @public
 */
export function RegionDetailsCard(props: { variant?: InfoCardVariants }) {
  const { entity } = useEntity<RegionEntity>();
  const classes = useStyles();
  const { spec } = entity;
  const { location, network, replication, budget } = spec;
  const hasCoordinates =
    location?.latitude !== undefined && location?.longitude !== undefined;

  return (
    <InfoCard title="Region details" variant={props.variant}>
      <Box className={classes.sections}>
        <DetailSection title="Placement">
          <DetailField label="Tier">
            {formatTier(regionTier(entity.spec.type))}
          </DetailField>
          <DetailField label="Type">{spec.type}</DetailField>
          <DetailField label="Lifecycle">{spec.lifecycle}</DetailField>
          <DetailField label="Hub">
            {regionLink(resolveRegionRef(spec.hub, entity))}
          </DetailField>
          <DetailField label="Owner">
            {spec.owner && (
              <EntityRefLink entityRef={spec.owner} defaultKind="group" />
            )}
          </DetailField>
          <DetailField label="Provider">{spec.provider}</DetailField>
          <DetailField label="Location">{formatLocation(location)}</DetailField>
          <DetailField label="Coordinates">
            {hasCoordinates && `${location!.latitude}, ${location!.longitude}`}
          </DetailField>
        </DetailSection>
        <Divider />
        <DetailSection title="Network">
          <DetailField label="Network block">
            {network?.cidr && (
              <span className={classes.mono}>{network.cidr}</span>
            )}
          </DetailField>
          <DetailField label="Pool">{network?.pool}</DetailField>
          <DetailField label="User latency target">
            {spec.userLatencyTargetMs !== undefined &&
              `${spec.userLatencyTargetMs} ms`}
          </DetailField>
        </DetailSection>
        <LinksTable entity={entity} />
        <Divider />
        <DetailSection title="Service targets">
          <DetailField label="Availability target">
            {spec.availabilityTarget !== undefined &&
              formatAvailability(spec.availabilityTarget)}
          </DetailField>
          <DetailField label="Data residency" width={8}>
            {chips(spec.residency)}
          </DetailField>
        </DetailSection>
        <Divider />
        <DetailSection title="Replication">
          <DetailField label="Role">{replication?.role}</DetailField>
          <DetailField label="Mode">{replication?.mode}</DetailField>
          <DetailField label="Source">
            {regionLink(resolveRegionRef(replication?.source, entity))}
          </DetailField>
          <DetailField label="RPO">
            {replication?.rpoSeconds !== undefined &&
              formatRpo(replication.rpoSeconds)}
          </DetailField>
          <DetailField label="RTO">
            {replication?.rtoSeconds !== undefined &&
              formatSeconds(replication.rtoSeconds)}
          </DetailField>
        </DetailSection>
        <Divider />
        <DetailSection title="Budget and capabilities">
          <DetailField label="Monthly budget">
            {budget && formatBudget(budget)}
          </DetailField>
          <DetailField label="Capabilities" width={8}>
            {chips(spec.capabilities)}
          </DetailField>
        </DetailSection>
      </Box>
    </InfoCard>
  );
}
