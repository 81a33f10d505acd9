import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { FailoverRun } from '@meridian/plugin-regions-common';
import { useState } from 'react';
import { regionsApiRef } from '../../api';
import { refusalMessage } from './refusalMessage';
import { useFailoverPermission } from './useFailoverPermission';

/**
 * An interrupted run, with a Resume button (for users allowed to run
 * failovers of the region) that asks the backend to continue it; the
 * backend's refusal is shown as it answers it.
 */
export function ResumeRunAlert(props: {
  run: FailoverRun;
  onResumed: (runId: string) => void;
}) {
  const { run, onResumed } = props;
  const regionsApi = useApi(regionsApiRef);
  const permission = useFailoverPermission();
  // stays true once accepted: the run leaves `interrupted` with the next refresh
  const [resuming, setResuming] = useState(false);
  const [refusal, setRefusal] = useState<string>();

  const resume = async () => {
    setResuming(true);
    setRefusal(undefined);
    try {
      await regionsApi.resumeFailover(run.id);
      onResumed(run.id);
    } catch (error) {
      setRefusal(refusalMessage(error, 'resume'));
      setResuming(false);
    }
  };

  return (
    <Alert
      severity="warning"
      action={
        <Button
          color="inherit"
          variant="outlined"
          size="small"
          disabled={!permission.allowed || resuming}
          onClick={resume}
        >
          {resuming ? 'Resuming…' : 'Resume'}
        </Button>
      }
    >
      <AlertTitle>Interrupted</AlertTitle>
      The backend executing this run stopped before it ended
      {run.resumes > 0 &&
        ` (it was resumed ${run.resumes} ${
          run.resumes === 1 ? 'time' : 'times'
        } already)`}
      . Resume continues it where it stopped: each step looks before it acts, so
      nothing is fenced or promoted twice.
      {permission.reason && <Box mt={1}>{permission.reason}</Box>}
      {refusal && (
        <Box mt={1}>
          <Alert severity="error">{refusal}</Alert>
        </Box>
      )}
    </Alert>
  );
}
