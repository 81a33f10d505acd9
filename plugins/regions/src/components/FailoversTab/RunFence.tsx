import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { FailoverRun } from '@meridian/plugin-regions-common';
import { elapsedMs, formatDurationMs } from './runFormat';

/** How the old primary was fenced, in words, by `FailoverFence.method`. */
const FENCE_METHODS: Record<string, string> = {
  sql: 'over its own connection (sql)',
  patroni: "by taking Patroni's leader lock (patroni)",
  command: 'by a configured out-of-band command (command)',
  attested: "on the operator's word only (attested)",
};

/**
 * How the run made the old primary safe, and the operator's attestation that
 * it is: what an operator checks first when both regions may take writes.
 */
export function RunFence(props: { run: FailoverRun }) {
  const { run } = props;
  const { fence, sourceFenced } = run;
  if (!fence && !sourceFenced) {
    return null;
  }
  return (
    <>
      {fence && (
        <Box mb={2} component="section" aria-label="Fence">
          <Alert severity={fence.method === 'attested' ? 'warning' : 'info'}>
            <AlertTitle>
              Old primary fenced {FENCE_METHODS[fence.method] ?? fence.method}
            </AlertTitle>
            {fence.detail}
            <Typography
              variant="body2"
              color="textSecondary"
              title={new Date(fence.at).toLocaleString()}
            >
              +{formatDurationMs(elapsedMs(run.createdAt, fence.at))} after the
              run started
            </Typography>
          </Alert>
        </Box>
      )}
      {sourceFenced && (
        <Box mb={2} component="section" aria-label="Operator's attestation">
          <Alert severity="warning">
            <AlertTitle>Operator's attestation</AlertTitle>
            Starting this emergency failover,{' '}
            <EntityRefLink entityRef={run.createdBy} defaultKind="user" /> said
            how the old primary was made safe:
            <Box component="blockquote" mx={2} my={1} fontStyle="italic">
              {sourceFenced}
            </Box>
          </Alert>
        </Box>
      )}
    </>
  );
}
