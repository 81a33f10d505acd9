import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import {
  FailoverRun,
  FailoverRunStatus,
} from '@meridian/plugin-regions-common';
import { useState } from 'react';
import { regionsApiRef } from '../../api';
import { refusalMessage } from './refusalMessage';
import { MODE_LABELS } from './runFormat';
import { displayName } from './StandbyChoice';
import { useFailoverPermission } from './useFailoverPermission';

/** The statuses the backend cancels a run in. */
const CANCELLABLE: FailoverRunStatus[] = [
  'pending',
  'awaiting-approval',
  'running',
];

const useStyles = makeStyles(theme => ({
  danger: {
    color: theme.palette.error.main,
    borderColor: theme.palette.error.main,
  },
  dangerContained: {
    color: theme.palette.error.contrastText,
    backgroundColor: theme.palette.error.main,
    '&:hover': { backgroundColor: theme.palette.error.dark },
  },
}));

/** What cancelling does to a run in its status. */
function consequence(run: FailoverRun): string {
  if (run.status === 'running') {
    return 'It stops between steps: the step under way finishes first, then nothing more is done, and the run reports what was and was not changed.';
  }
  return 'Nothing has been changed yet: it will not run.';
}

/**
 * "Cancel run" for a pending, awaiting-approval or running run, behind a
 * confirmation that names the run's mode and regions and what cancelling
 * does; the backend's refusal is shown in its words.
 */
export function CancelRun(props: {
  run: FailoverRun;
  onCancelled: (runId: string) => void;
}) {
  const { run, onCancelled } = props;
  const classes = useStyles();
  const regionsApi = useApi(regionsApiRef);
  const permission = useFailoverPermission();
  const [confirming, setConfirming] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [refusal, setRefusal] = useState<string>();

  if (run.mode === 'detected' || !CANCELLABLE.includes(run.status)) {
    return null;
  }
  const what = `${MODE_LABELS[run.mode].toLocaleLowerCase(
    'en-US',
  )} ${displayName(run.region)} → ${displayName(run.target)}`;

  const cancel = async () => {
    setCancelling(true);
    setRefusal(undefined);
    try {
      await regionsApi.cancelFailover(run.id);
      setConfirming(false);
      onCancelled(run.id);
    } catch (error) {
      setRefusal(refusalMessage(error, 'cancel'));
    } finally {
      setCancelling(false);
    }
  };

  return (
    <Box display="flex" flexDirection="column" alignItems="flex-end" mb={2}>
      <Button
        variant="outlined"
        size="small"
        className={classes.danger}
        disabled={!permission.allowed}
        onClick={() => {
          setRefusal(undefined);
          setConfirming(true);
        }}
      >
        Cancel run
      </Button>
      {permission.reason && (
        <Typography variant="caption" color="textSecondary">
          {permission.reason}
        </Typography>
      )}
      <Dialog
        open={confirming}
        onClose={() => setConfirming(false)}
        aria-labelledby={`cancel-run-${run.id}-title`}
      >
        <DialogTitle id={`cancel-run-${run.id}-title`}>
          Cancel the {what}?
        </DialogTitle>
        <DialogContent>
          <DialogContentText>{consequence(run)}</DialogContentText>
          {refusal && <Alert severity="error">{refusal}</Alert>}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirming(false)}>
            {run.status === 'running' ? 'Keep it running' : 'Keep it'}
          </Button>
          <Button
            variant="contained"
            className={classes.dangerContained}
            disabled={cancelling}
            onClick={cancel}
          >
            {cancelling ? 'Cancelling…' : `Cancel the ${what}`}
          </Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
}
