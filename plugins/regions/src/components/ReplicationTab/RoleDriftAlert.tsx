import { CompoundEntityRef } from '@backstage/catalog-model';
import { CodeSnippet, Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import { ResponseError } from '@backstage/errors';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { RoleDrift } from '@meridian/plugin-regions-common';
import { useState } from 'react';
import { regionsApiRef } from '../../api';
import { MODE_LABELS } from '../FailoversTab/runFormat';

function errorMessage(error: unknown): string {
  if (error instanceof ResponseError) {
    return error.body?.error?.message ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Asks the backend to rewrite a landed region's entity, with its progress and answer. */
function FixLandedDrift(props: {
  region: CompoundEntityRef;
  onFixed: () => void;
}) {
  const { region, onFixed } = props;
  const regionsApi = useApi(regionsApiRef);
  const [state, setState] = useState<
    | { status: 'idle' }
    | { status: 'fixing' }
    | { status: 'fixed' }
    | { status: 'failed'; message: string }
  >({ status: 'idle' });

  const fix = async () => {
    setState({ status: 'fixing' });
    try {
      await regionsApi.fixDrift({
        namespace: region.namespace,
        name: region.name,
      });
      setState({ status: 'fixed' });
      onFixed();
    } catch (error) {
      setState({ status: 'failed', message: errorMessage(error) });
    }
  };

  if (state.status === 'fixed') {
    return (
      <Alert severity="success">
        The entity now declares what the nodes say. The catalog shows it once it
        has processed the entity again.
      </Alert>
    );
  }
  return (
    <>
      <Button
        variant="contained"
        color="primary"
        disabled={state.status === 'fixing'}
        onClick={fix}
      >
        {state.status === 'fixing'
          ? 'Updating the catalog…'
          : 'Make the catalog say so'}
      </Button>
      {state.status === 'failed' && (
        <Box mt={1}>
          <Alert severity="error">
            Could not update the catalog: {state.message}
          </Alert>
        </Box>
      )}
    </>
  );
}

/**
 * The region's node says something else than its entity declares (after a
 * failover the entities still describe the old topology): what it says,
 * since which run, and how to make the catalog say so, by Meridian for a
 * region the provisioning template landed, else as the YAML to change in git.
 */
export function RoleDriftAlert(props: {
  drift: RoleDrift;
  region: CompoundEntityRef;
  /** Called once the backend has rewritten the entity. */
  onFixed: () => void;
}) {
  const { drift, region, onFixed } = props;
  const entityLink = useEntityRefLink();
  const { since, fix } = drift;
  return (
    <section aria-label="Role drift">
      <Alert severity="warning">
        <AlertTitle>
          The catalog says {drift.declared ?? 'no role'}, the node says{' '}
          {drift.observed}
        </AlertTitle>
        <Typography variant="body2" paragraph>
          {drift.message}
          {since && (
            <>
              {' '}
              (
              <Link to={`${entityLink(region)}/failovers?run=${since.runId}`}>
                the {MODE_LABELS[since.mode].toLocaleLowerCase('en-US')} run
              </Link>
              )
            </>
          )}
        </Typography>
        <Typography variant="body2" gutterBottom>
          {fix.landed
            ? 'Meridian landed this region with the provisioning template and keeps its entity: it can rewrite spec.replication to what the nodes say:'
            : 'Its entity is defined outside Meridian: change its spec.replication where it is defined (git) to what the nodes say:'}
        </Typography>
        <CodeSnippet text={fix.yaml} language="yaml" showCopyCodeButton />
        {fix.landed && (
          <Box mt={1}>
            <FixLandedDrift region={region} onFixed={onFixed} />
          </Box>
        )}
      </Alert>
    </section>
  );
}
