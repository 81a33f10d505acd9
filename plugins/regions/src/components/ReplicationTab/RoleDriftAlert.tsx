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
import { DriftFixResponse, RoleDrift } from '@meridian/plugin-regions-common';
import { useState } from 'react';
import { regionsApiRef } from '../../api';
import { MODE_LABELS } from '../FailoversTab/runFormat';

function errorMessage(error: unknown): string {
  if (error instanceof ResponseError) {
    return error.body?.error?.message ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** What the fix does, as the button and the outcome say it. */
const FIX_LABELS = {
  landed: {
    action: 'Make the catalog say so',
    progress: 'Updating the catalog…',
    failure: 'Could not update the catalog',
  },
  pullRequest: {
    action: 'Open a pull request',
    progress: 'Opening the pull request…',
    failure: 'Could not open the pull request',
  },
};

/**
 * Asks the backend to fix the drift — rewrite a landed region's entity, or
 * open a pull request on the file of one defined in GitHub — with its
 * progress and answer.
 */
function FixDrift(props: {
  region: CompoundEntityRef;
  by: keyof typeof FIX_LABELS;
  onFixed: () => void;
}) {
  const { region, onFixed } = props;
  const labels = FIX_LABELS[props.by];
  const regionsApi = useApi(regionsApiRef);
  const [state, setState] = useState<
    | { status: 'idle' }
    | { status: 'fixing' }
    | { status: 'fixed'; answer: DriftFixResponse }
    | { status: 'failed'; message: string }
  >({ status: 'idle' });

  const fix = async () => {
    setState({ status: 'fixing' });
    try {
      const answer = await regionsApi.fixDrift({
        namespace: region.namespace,
        name: region.name,
      });
      setState({ status: 'fixed', answer });
      // a pull request changes nothing until it is merged
      if ('entity' in answer) {
        onFixed();
      }
    } catch (error) {
      setState({ status: 'failed', message: errorMessage(error) });
    }
  };

  if (state.status === 'fixed') {
    const { answer } = state;
    return 'pullRequest' in answer ? (
      <Alert severity="success">
        <Link to={answer.pullRequest.url}>
          Pull request #{answer.pullRequest.number} opened
        </Link>
        : the catalog says what the nodes say once it is merged and the catalog
        has read the file again.
      </Alert>
    ) : (
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
        {state.status === 'fixing' ? labels.progress : labels.action}
      </Button>
      {state.status === 'failed' && (
        <Box mt={1}>
          <Alert severity="error">
            {labels.failure}: {state.message}
          </Alert>
        </Box>
      )}
    </>
  );
}

const WHERE_DEFINED = {
  landed:
    'Meridian landed this region with the provisioning template and keeps its entity: it can rewrite spec.replication to what the nodes say:',
  pullRequest:
    'Its entity is defined in a GitHub repository: Meridian can open a pull request changing its spec.replication to what the nodes say:',
  elsewhere:
    'Its entity is defined outside Meridian: change its spec.replication where it is defined (git) to what the nodes say:',
};

/**
 * The region's node says something else than its entity declares (after a
 * failover the entities still describe the old topology): what it says,
 * since which run, and how to make the catalog say so, by Meridian for a
 * region the provisioning template landed, else as the YAML to change in git
 * (and by a pull request Meridian opens when the file is in GitHub).
 */
export function RoleDriftAlert(props: {
  drift: RoleDrift;
  region: CompoundEntityRef;
  /** Called once the backend has rewritten a landed region's entity. */
  onFixed: () => void;
}) {
  const { drift, region, onFixed } = props;
  const entityLink = useEntityRefLink();
  const { since, fix } = drift;
  const by = (fix.landed && 'landed') || (fix.pullRequest && 'pullRequest');
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
          {WHERE_DEFINED[by || 'elsewhere']}
        </Typography>
        <CodeSnippet text={fix.yaml} language="yaml" showCopyCodeButton />
        {by && (
          <Box mt={1}>
            <FixDrift region={region} by={by} onFixed={onFixed} />
          </Box>
        )}
      </Alert>
    </section>
  );
}
