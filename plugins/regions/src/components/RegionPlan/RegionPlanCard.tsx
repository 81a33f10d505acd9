import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusPending,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  EntityRefLink,
  useEntity,
  useEntityRefLink,
} from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import {
  AutomaticFailoverDecision,
  PlanResponse,
  PlanValidation,
} from '@meridian/plugin-regions-common';
import useAsync from 'react-use/esm/useAsync';
import { regionsApiRef } from '../../api';
import { formatAge } from '../../lib/format';

const ACTION_LABELS: Record<AutomaticFailoverDecision['action'], string> = {
  started: 'Started a failover',
  'would-start': 'Would have failed over (dry run)',
  held: 'Held back',
};

function Verdict(props: { ok: boolean | null; validatedAt: string | null }) {
  if (props.ok === null || !props.validatedAt) {
    return <StatusPending>Not validated yet</StatusPending>;
  }
  const age = formatAge(props.validatedAt);
  return props.ok ? (
    <StatusOK>Plan validated {age}</StatusOK>
  ) : (
    <StatusError>Plan failing, validated {age}</StatusError>
  );
}

function PlanItem(props: { plan: PlanValidation }) {
  const { plan } = props;
  const failing = plan.checks.filter(check => !check.passed);
  return (
    <Box mb={2} aria-label={`Plan to ${plan.target}`} role="group">
      <Typography variant="subtitle2">
        To <EntityRefLink entityRef={plan.target} />:{' '}
        {plan.ok ? 'passes' : 'fails'} since {formatAge(plan.since)}
      </Typography>
      {failing.length > 0 && (
        <List dense disablePadding aria-label="Failing checks">
          {failing.map(check => (
            <ListItem key={check.id} disableGutters>
              <ListItemText
                primary={`${check.title}${
                  check.forcible ? ' (force may override)' : ''
                }`}
                secondary={check.detail}
              />
            </ListItem>
          ))}
        </List>
      )}
    </Box>
  );
}

function AutomaticPolicy(props: {
  automatic: PlanResponse['automatic'];
  runLink: (id: string) => string;
}) {
  const { enabled, dryRun, decisions } = props.automatic;
  let policy = 'Automatic failover: off';
  if (enabled) {
    policy = dryRun
      ? 'Automatic failover: dry run (decisions are recorded, nothing is started)'
      : 'Automatic failover: on';
  }
  return (
    <>
      <Typography variant="subtitle2">{policy}</Typography>
      {decisions.length === 0 ? (
        enabled && (
          <Typography variant="body2" color="textSecondary">
            No decisions yet.
          </Typography>
        )
      ) : (
        <List dense disablePadding aria-label="Recent automatic decisions">
          {decisions.map(decision => (
            <ListItem key={`${decision.at}-${decision.action}`} disableGutters>
              <ListItemText
                primary={`${ACTION_LABELS[decision.action]}, ${formatAge(
                  decision.at,
                )} (${new Date(decision.at).toLocaleString()})`}
                secondary={
                  <>
                    {decision.reason}
                    {decision.runId && (
                      <>
                        {' '}
                        <Link to={props.runLink(decision.runId)}>
                          Open the run
                        </Link>
                      </>
                    )}
                  </>
                }
              />
            </ListItem>
          ))}
        </List>
      )}
    </>
  );
}

/**
 * The latest scheduled validation of the region's failover plans (a
 * pre-flight without side effects, per standby), the checks that fail, and
 * what the automatic failover policy decided recently.
 *
 * @public
 */
export function RegionPlanCard(props: { variant?: 'gridItem' }) {
  const { entity } = useEntity();
  const regionsApi = useApi(regionsApiRef);
  const entityLink = useEntityRefLink();
  const ref = {
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
  };
  const plan = useAsync(
    () => regionsApi.getPlan(ref),
    [regionsApi, ref.namespace, ref.name],
  );
  const runLink = (id: string) =>
    `${entityLink(
      stringifyEntityRef(entity),
    )}/failovers?run=${encodeURIComponent(id)}`;

  let body;
  if (plan.error) {
    body = (
      <ResponseErrorPanel
        title="Could not load the failover plan"
        error={plan.error}
      />
    );
  } else if (!plan.value) {
    body = <Progress />;
  } else {
    body = (
      <>
        <Box mb={2}>
          <Verdict ok={plan.value.ok} validatedAt={plan.value.validatedAt} />
        </Box>
        {plan.value.plans.length === 0 && (
          <Typography variant="body2" color="textSecondary" paragraph>
            No primary → standby plan names this region yet, or the first
            scheduled validation has not run.
          </Typography>
        )}
        {plan.value.plans.map(item => (
          <PlanItem key={item.target} plan={item} />
        ))}
        <AutomaticPolicy automatic={plan.value.automatic} runLink={runLink} />
      </>
    );
  }
  return (
    <InfoCard title="Failover plan" variant={props.variant}>
      {body}
    </InfoCard>
  );
}
