import { parseEntityRef } from '@backstage/catalog-model';
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
import { ReplicationStatusChip } from '../ReplicationTab';

/** A region whose primary may be failed over to one of its standbys. */
export interface FailoverPair {
  region: string;
  target: string;
  standby: TopologyRegion;
}

/**
 * What this region can take part in: failing its primary over to each region
 * replicating from it, and, for a standby, being promoted in place of its
 * source.
 */
export function failoverPairs(
  regionRef: string,
  topology: TopologyResponse,
): FailoverPair[] {
  const pairs: FailoverPair[] = topology.regions
    .filter(r => r.replication?.source === regionRef)
    .map(standby => ({ region: regionRef, target: standby.ref, standby }));
  const self = topology.regions.find(r => r.ref === regionRef);
  if (self?.replication?.source) {
    pairs.push({
      region: self.replication.source,
      target: regionRef,
      standby: self,
    });
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
 * The standbys the region can fail over to (or, on a standby's page, its
 * source), each with its latest replication status and lag from the topology.
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
        No region replicates from {regionName} and it replicates from none:
        there is no standby to promote. A standby names its source in{' '}
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
