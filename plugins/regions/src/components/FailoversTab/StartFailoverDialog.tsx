import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  FAILOVER_MODES,
  FailoverMode,
  TopologyRegion,
  TopologyResponse,
  regionsFailoverRunPermission,
} from '@meridian/plugin-regions-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { regionsApiRef } from '../../api';
import { formatAge, formatLag } from '../../lib/format';
import { ReplicationStatusChip } from '../ReplicationTab';
import { MODE_EXPLANATIONS, MODE_LABELS } from './runFormat';

/** The scaffolder template that runs the same action with a task log. */
const TEMPLATE_PATH = '/create/templates/default/run-failover';

/** A region whose primary may be failed over to one of its standbys. */
interface FailoverPair {
  region: string;
  target: string;
  standby: TopologyRegion;
}

/**
 * What this region can take part in: failing its primary over to each region
 * replicating from it, and, for a standby, being promoted in place of its
 * source.
 */
function failoverPairs(
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

function displayName(ref: string): string {
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

/** What the operator should read when the backend refuses to start a run. */
function refusalMessage(error: unknown): string {
  if (error instanceof ResponseError) {
    const backendMessage = error.body?.error?.message ?? error.message;
    if (error.statusCode === 403) {
      return `You are not allowed to run failovers for this region (permission ${regionsFailoverRunPermission.name}: owners of the region may).`;
    }
    if (error.statusCode === 409) {
      return `A run is already in progress for this region: ${backendMessage}`;
    }
    return backendMessage;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Starts a drill, switchover or emergency failover of the entity's region:
 * the operator picks the standby (with its current replication status and
 * lag), the mode and whether to force, and types the region's name to confirm
 * anything but a drill. Calls `onStarted` with the new run's id, and
 * `onRefused` when the backend refuses (a 409 means a run the tab may not
 * show yet).
 */
export function StartFailoverDialog(props: {
  entity: Entity;
  open: boolean;
  onClose: () => void;
  onStarted: (runId: string) => void;
  onRefused: () => void;
}) {
  const { entity, open, onClose, onStarted, onRefused } = props;
  const regionsApi = useApi(regionsApiRef);
  const regionRef = stringifyEntityRef(entity);
  const topology = useAsync(
    async () => (open ? regionsApi.getTopology() : undefined),
    [regionsApi, open],
  );
  const pairs = topology.value ? failoverPairs(regionRef, topology.value) : [];

  const [target, setTarget] = useState<string>();
  const [mode, setMode] = useState<FailoverMode>('drill');
  const [force, setForce] = useState(false);
  const [confirmation, setConfirmation] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [refusal, setRefusal] = useState<string>();

  // a single standby needs no choosing
  const pair =
    pairs.find(p => p.target === target) ??
    (pairs.length === 1 ? pairs[0] : undefined);
  const confirmName = pair ? displayName(pair.region) : '';
  const needsConfirmation = mode !== 'drill';
  const confirmed = !needsConfirmation || confirmation.trim() === confirmName;

  const start = async () => {
    if (!pair) {
      return;
    }
    setSubmitting(true);
    setRefusal(undefined);
    try {
      const started = await regionsApi.startFailover({
        region: pair.region,
        target: pair.target,
        mode,
        ...(force ? { force: true } : {}),
      });
      setConfirmation('');
      onStarted(started.id);
    } catch (error) {
      setRefusal(refusalMessage(error));
      onRefused();
    } finally {
      setSubmitting(false);
    }
  };

  let standbyChoice;
  if (topology.loading) {
    standbyChoice = <Progress />;
  } else if (topology.error) {
    standbyChoice = (
      <Alert severity="error">
        Could not read the standbys from the regions backend:{' '}
        {topology.error.message}
      </Alert>
    );
  } else if (pairs.length === 0) {
    standbyChoice = (
      <Alert severity="info">
        No region replicates from {entity.metadata.name} and it replicates from
        none: there is no standby to promote. A standby names its source in{' '}
        <code>spec.replication.source</code>.
      </Alert>
    );
  } else {
    standbyChoice = (
      <RadioGroup
        aria-label="Target standby"
        value={pair?.target ?? ''}
        onChange={event => setTarget(event.target.value)}
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

  return (
    <Dialog
      open={open}
      onClose={onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby="start-failover-title"
    >
      <DialogTitle id="start-failover-title">
        Fail over {entity.metadata.name}
      </DialogTitle>
      <DialogContent>
        <FormControl component="fieldset" fullWidth margin="normal">
          <FormLabel component="legend">Target standby</FormLabel>
          {standbyChoice}
        </FormControl>
        <FormControl component="fieldset" fullWidth margin="normal">
          <FormLabel component="legend">Mode</FormLabel>
          <RadioGroup
            aria-label="Mode"
            value={mode}
            onChange={event => setMode(event.target.value as FailoverMode)}
          >
            {FAILOVER_MODES.map(option => (
              <FormControlLabel
                key={option}
                value={option}
                control={<Radio />}
                label={
                  <span>
                    <strong>{MODE_LABELS[option]}</strong> —{' '}
                    {MODE_EXPLANATIONS[option]}
                  </span>
                }
              />
            ))}
          </RadioGroup>
        </FormControl>
        <FormControlLabel
          control={
            <Checkbox
              checked={force}
              onChange={event => setForce(event.target.checked)}
            />
          }
          label="Force: override the pre-flight checks that may safely be overridden"
        />
        {force && (
          <Alert severity="warning">
            Forcing overrides the checks the backend marks forcible, such as the
            lag limit and the readiness gate: the promoted standby may lack
            recent commits, which are then lost, and a region that is not ready
            takes the traffic. Checks that keep the data safe (the target is a
            healthy replica of the source, no other run in progress) still
            refuse.
          </Alert>
        )}
        {needsConfirmation && pair && (
          <TextField
            id="failover-confirmation"
            fullWidth
            margin="normal"
            label={`Type ${confirmName} to confirm`}
            helperText={
              mode === 'switchover'
                ? `${confirmName} is fenced and ${pair.standby.name} becomes the primary.`
                : `${pair.standby.name} becomes the primary; what it had not received from ${confirmName} is lost.`
            }
            value={confirmation}
            onChange={event => setConfirmation(event.target.value)}
          />
        )}
        {refusal && (
          <Box mt={2}>
            <Alert severity="error">{refusal}</Alert>
          </Box>
        )}
        <Box mt={2}>
          <Typography variant="body2" color="textSecondary">
            Prefer a task log? Run the same from the{' '}
            <Link to={TEMPLATE_PATH}>“Run a failover” template</Link>.
          </Typography>
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={!pair || !confirmed || submitting}
          onClick={start}
        >
          {mode === 'drill' ? 'Run drill' : `Start ${mode}`}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
