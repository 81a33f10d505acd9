import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { FailoverRun } from '@meridian/plugin-regions-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { regionsApiRef } from '../../api';
import { formatAge, formatTimeLeft } from '../../lib/format';
import { refusalMessage } from './refusalMessage';
import { useFailoverPermission } from './useFailoverPermission';

function ApprovalList(props: { run: FailoverRun }) {
  const { approvals } = props.run;
  if (approvals.length === 0) {
    return <>Nobody has approved it yet.</>;
  }
  return (
    <ul aria-label="Approvals given" style={{ margin: 0 }}>
      {approvals.map(approval => (
        <li key={approval.by}>
          <EntityRefLink entityRef={approval.by} defaultKind="user" /> approved
          it{' '}
          <span title={new Date(approval.at).toLocaleString()}>
            {formatAge(approval.at)}
          </span>
        </li>
      ))}
    </ul>
  );
}

/**
 * Why the signed-in user may or may not approve the run: not their own run,
 * not approved by them already, and `regions.failover.run` on the region
 * (the backend checks both regions). Undefined while their identity loads.
 */
function useApprovalEligibility(
  run: FailoverRun,
): { eligible: true } | { eligible: false; reason?: string } | undefined {
  const identityApi = useApi(identityApiRef);
  const permission = useFailoverPermission();
  const identity = useAsync(
    () => identityApi.getBackstageIdentity(),
    [identityApi],
  );
  const user = identity.value?.userEntityRef;
  if (identity.loading) {
    return undefined;
  }
  if (user === run.createdBy) {
    return {
      eligible: false,
      reason: 'You started it: another owner must approve it.',
    };
  }
  if (run.approvals.some(approval => approval.by === user)) {
    return { eligible: false, reason: 'You have approved it.' };
  }
  if (!permission.allowed) {
    return { eligible: false, reason: permission.reason };
  }
  return { eligible: true };
}

/** The approvals of a run awaiting them, with an Approve button for another owner. */
function AwaitingApproval(props: {
  run: FailoverRun;
  onApproved: (runId: string) => void;
}) {
  const { run, onApproved } = props;
  const regionsApi = useApi(regionsApiRef);
  const eligibility = useApprovalEligibility(run);
  // stays true once accepted: the run moves on with the next refresh
  const [approving, setApproving] = useState(false);
  const [refusal, setRefusal] = useState<string>();

  const approve = async () => {
    setApproving(true);
    setRefusal(undefined);
    try {
      await regionsApi.approveFailover(run.id);
      onApproved(run.id);
    } catch (error) {
      setRefusal(refusalMessage(error, 'approve'));
      setApproving(false);
    }
  };

  return (
    <Alert
      severity="info"
      action={
        eligibility?.eligible && (
          <Button
            color="inherit"
            variant="outlined"
            size="small"
            disabled={approving}
            onClick={approve}
          >
            {approving ? 'Approving…' : 'Approve'}
          </Button>
        )
      }
    >
      <AlertTitle>
        Waiting for approvals: {run.approvals.length} of {run.approvalsRequired}
      </AlertTitle>
      Its pre-flight passed; it changes nothing until other owners of both
      regions approve it.
      {run.approvalDeadline && (
        <>
          {' '}
          It expires{' '}
          <span title={new Date(run.approvalDeadline).toLocaleString()}>
            {formatTimeLeft(run.approvalDeadline)}
          </span>{' '}
          unless approved.
        </>
      )}
      <Box mt={1}>
        <ApprovalList run={run} />
      </Box>
      {eligibility && !eligibility.eligible && eligibility.reason && (
        <Box mt={1}>{eligibility.reason}</Box>
      )}
      {refusal && (
        <Box mt={1}>
          <Alert severity="error">{refusal}</Alert>
        </Box>
      )}
    </Alert>
  );
}

/**
 * A run's approvals: while it awaits them, how many it needs and has, who
 * gave them and when, its deadline and, for another owner, Approve; once
 * it has ended, who approved it, or that nobody did in time.
 */
export function RunApprovals(props: {
  run: FailoverRun;
  onApproved: (runId: string) => void;
}) {
  const { run, onApproved } = props;
  if (run.approvalsRequired === 0) {
    return null;
  }
  if (run.status === 'awaiting-approval') {
    return (
      <Box mb={2} component="section" aria-label="Approvals">
        <AwaitingApproval run={run} onApproved={onApproved} />
      </Box>
    );
  }
  return (
    <Box mb={2} component="section" aria-label="Approvals">
      {run.status === 'expired' ? (
        <Alert severity="info">
          Expired: {run.approvals.length} of {run.approvalsRequired} approvals
          were given before its deadline
          {run.approvalDeadline &&
            ` (${new Date(run.approvalDeadline).toLocaleString()})`}
          . Nothing was changed.
        </Alert>
      ) : (
        <Typography variant="body2" component="div">
          Needed {run.approvalsRequired}{' '}
          {run.approvalsRequired === 1 ? 'approval' : 'approvals'}:{' '}
          <ApprovalList run={run} />
        </Typography>
      )}
    </Box>
  );
}
