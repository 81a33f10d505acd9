import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Progress } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  TopologyRegion,
  TopologyResponse,
} from '@meridian/plugin-regions-common';
import { formatAge, formatLag } from '../../lib/format';
import { ObservedRoleChip } from '../ObservedRole';
import { ReplicationStatusChip } from '../ReplicationTab';

/** A region whose primary may be failed over to one of its standbys. */
export interface FailoverPair {
  region: string;
  target: string;
  standby: TopologyRegion;
}

/** A region ref as the backend may write it (`us-east`, `region:default/us-east`), canonical. */
function canonicalRegionRef(ref: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: 'region',
        defaultNamespace: 'default',
      }),
    );
  } catch {
    return ref;
  }
}

/**
 * The region a region's node really streams from, as the nodes say: its
 * observed upstream; none for a node that says it is a primary (fenced or
 * not), whatever its entity declares; else, while no node says otherwise,
 * the source its entity declares.
 */
export function upstreamOf(region: TopologyRegion): string | undefined {
  const replication = region.replication;
  if (replication?.upstreamRegion) {
    return canonicalRegionRef(replication.upstreamRegion);
  }
  if (
    replication?.observedRole === 'primary' ||
    replication?.observedRole === 'fenced'
  ) {
    return undefined;
  }
  return replication?.source;
}

/**
 * What this region can take part in, from the observed topology: failing its
 * primary over to each region that streams from it (whatever the catalog
 * declares, so that after a switchover the old primary, re-attached, is a
 * standby of the new one), and, for a standby, being promoted in place of the
 * region it streams from.
 */
export function failoverPairs(
  regionRef: string,
  topology: TopologyResponse,
): FailoverPair[] {
  const pairs: FailoverPair[] = topology.regions
    .filter(r => r.ref !== regionRef && upstreamOf(r) === regionRef)
    .map(standby => ({ region: regionRef, target: standby.ref, standby }));
  const self = topology.regions.find(r => r.ref === regionRef);
  const upstream = self && upstreamOf(self);
  if (self && upstream) {
    pairs.push({ region: upstream, target: regionRef, standby: self });
  }
  return pairs;
}

/** `region:default/us-east` → `us-east`. */
export function displayName(ref: string): string {
  return parseEntityRef(ref).name;
}

function StandbyLabel(props: { pair: FailoverPair }) {
  const { region, standby } = props.pair;
  const replication = standby.replication;
  return (
    <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 8 }}>
      <span>
        {displayName(region)} → <strong>{standby.name}</strong>
        {standby.title && ` (${standby.title})`}
      </span>
      {replication?.observedRole && replication.observedRole !== 'unknown' && (
        <ObservedRoleChip
          role={replication.observedRole}
          drift={replication.drift}
        />
      )}
      {replication?.status && (
        <ReplicationStatusChip status={replication.status} />
      )}
      <Typography variant="body2" color="textSecondary" component="span">
        lag {formatLag(replication?.lagSeconds, replication?.lagBytes)}
        {replication?.sampledAt
          ? `, sampled ${formatAge(replication.sampledAt)}`
          : ', no sample yet'}
      </Typography>
    </Box>
  );
}

/**
 * The standbys the region can fail over to (or, on a standby's page, the
 * region it streams from), each with its observed role, latest replication
 * status and lag from the topology.
 */
export function StandbyChoice(props: {
  regionName: string;
  pairs: FailoverPair[];
  loading: boolean;
  error?: Error;
  chosen?: FailoverPair;
  onChoose: (target: string) => void;
}) {
  const { regionName, pairs, loading, error, chosen, onChoose } = props;
  if (loading) {
    return <Progress />;
  }
  if (error) {
    return (
      <Alert severity="error">
        Could not read the standbys from the regions backend: {error.message}
      </Alert>
    );
  }
  if (pairs.length === 0) {
    return (
      <Alert severity="info">
        No region streams from {regionName} and it streams from none: there is
        no standby to promote. Where no node says whom it streams from, a
        standby is one that names its source in{' '}
        <code>spec.replication.source</code>.
      </Alert>
    );
  }
  return (
    <RadioGroup
      aria-label="Target standby"
      value={chosen?.target ?? ''}
      onChange={event => onChoose(event.target.value)}
    >
      {pairs.map(p => (
        <FormControlLabel
          key={p.target}
          value={p.target}
          control={<Radio />}
          label={<StandbyLabel pair={p} />}
        />
      ))}
    </RadioGroup>
  );
}
