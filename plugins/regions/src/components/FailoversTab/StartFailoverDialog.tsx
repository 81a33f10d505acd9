import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
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
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import {
  FAILOVER_MODES,
  FailoverMode,
  FailoverRequest,
} from '@meridian/plugin-regions-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { regionsApiRef } from '../../api';
import { scaffolderTemplateRouteRef } from '../../routes';
import {
  CanaryControl,
  CanaryInput,
  DEFAULT_CANARY,
  canaryOf,
} from './CanaryControl';
import { PreflightPreview } from './PreflightPreview';
import { refusalMessage } from './refusalMessage';
import { MODE_EXPLANATIONS, MODE_LABELS } from './runFormat';
import {
  FailoverPair,
  StandbyChoice,
  displayName,
  failoverPairs,
} from './StandbyChoice';
import { TargetFacts } from './TargetFacts';
import { useFailoverPreview } from './useFailoverPreview';

/** The scaffolder template that runs the same action with a task log. */
const FAILOVER_TEMPLATE = {
  namespace: 'default',
  templateName: 'run-failover',
};

/** The backend refuses a shorter `sourceFenced`: it says nothing of what was done. */
const MIN_ATTESTATION_LENGTH = 10;

const CONFIRM_VERBS: Record<FailoverMode, string> = {
  drill: 'Run drill',
  switchover: 'Switch over',
  failover: 'Fail over',
};

const useStyles = makeStyles(theme => ({
  // switchovers and failovers change production: once enabled, the confirm looks it
  danger: {
    color: theme.palette.error.contrastText,
    backgroundColor: theme.palette.error.main,
    '&:hover': { backgroundColor: theme.palette.error.dark },
  },
}));

/** What the dialog opens with, e.g. to fail back after a switchover. */
export interface FailoverPreset {
  /** Entity ref of the region whose primary is failed over. */
  region: string;
  /** Entity ref of the standby to promote. */
  target: string;
  mode: FailoverMode;
}

/** "Switch over us-east → us-west": what the confirm button does, to which regions. */
function confirmLabel(mode: FailoverMode, pair?: FailoverPair): string {
  const verb = CONFIRM_VERBS[mode];
  return pair
    ? `${verb} ${displayName(pair.region)} → ${displayName(pair.target)}`
    : verb;
}

function SourceFencedField(props: {
  source: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const { source, value, onChange } = props;
  const length = value.trim().length;
  const tooShort = length > 0 && length < MIN_ATTESTATION_LENGTH;
  return (
    <TextField
      id="failover-source-fenced"
      fullWidth
      multiline
      minRows={3}
      variant="outlined"
      margin="normal"
      label={`What did you do to make sure ${source} is down or isolated?`}
      error={tooShort}
      helperText={
        tooShort
          ? `Say what was done, in at least ${MIN_ATTESTATION_LENGTH} characters.`
          : `Needed when ${source}'s database does not answer and no fencer is configured for it: it may only be frozen or cut off, and come back taking writes next to the new primary. Say what you did, e.g. "powered off db-1 in the console at 03:12". Kept on the run and audited.`
      }
      value={value}
      onChange={event => onChange(event.target.value)}
    />
  );
}

/**
 * The dialog's content, mounted afresh on every open so that nothing chosen,
 * forced or typed in a cancelled open carries over.
 */
function StartFailoverForm(props: {
  entity: Entity;
  preset?: FailoverPreset;
  onClose: () => void;
  onStarted: (runId: string) => void;
  onRefused: () => void;
}) {
  const { entity, preset, onClose, onStarted, onRefused } = props;
  const classes = useStyles();
  const regionsApi = useApi(regionsApiRef);
  const templatePath = useRouteRef(scaffolderTemplateRouteRef);
  const regionRef = stringifyEntityRef(entity);
  const topology = useAsync(() => regionsApi.getTopology(), [regionsApi]);
  const pairs = topology.value ? failoverPairs(regionRef, topology.value) : [];

  const [target, setTarget] = useState<string | undefined>(preset?.target);
  const [mode, setMode] = useState<FailoverMode>(preset?.mode ?? 'drill');
  const [canaryInput, setCanaryInput] = useState<CanaryInput>(DEFAULT_CANARY);
  const [force, setForce] = useState(false);
  const [sourceFenced, setSourceFenced] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [refusal, setRefusal] = useState<string>();

  // a single standby needs no choosing
  const pair =
    pairs.find(p => p.target === target) ??
    (pairs.length === 1 ? pairs[0] : undefined);
  const confirmName = pair ? displayName(pair.region) : '';
  const attestation = mode === 'failover' ? sourceFenced.trim() : '';
  // null: asked for, but what is typed makes no canary yet
  const canary = mode === 'switchover' ? canaryOf(canaryInput) : undefined;
  const request: FailoverRequest | undefined = pair && {
    region: pair.region,
    target: pair.target,
    mode,
    ...(force ? { force: true } : {}),
    ...(attestation ? { sourceFenced: attestation } : {}),
    ...(canary ? { canary } : {}),
  };
  const preview = useFailoverPreview(request);

  const needsConfirmation = mode !== 'drill';
  const confirmed = !needsConfirmation || confirmation.trim() === confirmName;
  const attested =
    attestation.length === 0 || attestation.length >= MIN_ATTESTATION_LENGTH;
  // A drill changes nothing: it is worth recording even when it would be
  // refused, as evidence of what blocks a takeover.
  const cleared =
    !preview.checking &&
    (preview.preview?.ok === true ||
      (mode === 'drill' && preview.preview !== undefined));
  const ready = Boolean(
    request &&
      confirmed &&
      attested &&
      canary !== null &&
      cleared &&
      !submitting,
  );

  const start = async () => {
    if (!request) {
      return;
    }
    setSubmitting(true);
    setRefusal(undefined);
    try {
      const started = await regionsApi.startFailover(request);
      onStarted(started.id);
    } catch (error) {
      setRefusal(refusalMessage(error));
      onRefused();
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <>
      <DialogTitle id="start-failover-title">
        {preset
          ? `Fail back to ${displayName(preset.target)}`
          : `Fail over ${entity.metadata.name}`}
      </DialogTitle>
      <DialogContent>
        {preset && (
          <Alert severity="info">
            {displayName(preset.target)} streams from{' '}
            {displayName(preset.region)} again: a switchover makes it the
            primary once more and {displayName(preset.region)} its standby,
            losing nothing. Shift traffic in steps to watch it take the load.
          </Alert>
        )}
        <FormControl component="fieldset" fullWidth margin="normal">
          <FormLabel component="legend">Target standby</FormLabel>
          <StandbyChoice
            regionName={entity.metadata.name}
            pairs={pairs}
            loading={topology.loading}
            error={topology.error}
            chosen={pair}
            onChoose={setTarget}
          />
        </FormControl>
        {pair && (
          <Box my={2}>
            <TargetFacts target={pair.target} />
          </Box>
        )}
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
        {mode === 'switchover' && pair && (
          <CanaryControl
            target={pair.standby.name}
            value={canaryInput}
            onChange={setCanaryInput}
          />
        )}
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
            healthy replica of the source, the old primary can be fenced, no
            other run in progress) still refuse.
          </Alert>
        )}
        {mode === 'failover' && pair && (
          <SourceFencedField
            source={confirmName}
            value={sourceFenced}
            onChange={setSourceFenced}
          />
        )}
        {pair && (
          <Box mt={2}>
            <PreflightPreview preview={preview} force={force} />
          </Box>
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
        {templatePath && (
          <Box mt={2}>
            <Typography variant="body2" color="textSecondary">
              Prefer a task log? Run the same from the{' '}
              <Link to={templatePath(FAILOVER_TEMPLATE)}>
                “Run a failover” template
              </Link>
              .
            </Typography>
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant="contained"
          color="primary"
          className={needsConfirmation && ready ? classes.danger : undefined}
          disabled={!ready}
          onClick={start}
        >
          {confirmLabel(mode, pair)}
        </Button>
      </DialogActions>
    </>
  );
}

/**
 * Starts a drill, switchover or emergency failover of the entity's region.
 * The operator picks the standby and sees its replication and readiness,
 * picks the mode and whether to force, says for an emergency failover how
 * the old primary was made safe, and sees the pre-flight the backend would
 * run, evaluated now; Start waits until that pre-flight passes (a drill only
 * until it has answered: a refused drill is recorded too), and anything but a
 * drill needs the region's name typed. A switchover may shift traffic in
 * steps (a canary). Opened with a preset (a failback), the target and mode
 * are chosen already. Calls `onStarted` with the new
 * run's id, and `onRefused` when the backend refuses (a 409 means a run the
 * tab may not show yet).
 */
export function StartFailoverDialog(props: {
  entity: Entity;
  /** Chosen target and mode to open with, e.g. a failback's. */
  preset?: FailoverPreset;
  open: boolean;
  onClose: () => void;
  onStarted: (runId: string) => void;
  onRefused: () => void;
}) {
  const { open, onClose, ...formProps } = props;
  // A new form on each open, even one during the closing transition, when the
  // dialog has not unmounted the last one yet.
  const [opening, setOpening] = useState({ open, count: 0 });
  if (opening.open !== open) {
    setOpening({ open, count: open ? opening.count + 1 : opening.count });
  }
  return (
    <Dialog
      open={open}
      onClose={onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby="start-failover-title"
    >
      <StartFailoverForm key={opening.count} onClose={onClose} {...formProps} />
    </Dialog>
  );
}
