import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusPending,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import {
  ReadinessCategory,
  ReadinessCheckOutcome,
} from '@meridian/plugin-regions-common';
import { regionsApiRef } from '../../api';
import { useLiveData } from '../../lib/useLiveData';
import { StaleBanner } from '../StaleBanner';
import { formatAge, formatScore, formatSeconds } from '../../lib/format';
import { ReadinessChip } from './ReadinessChip';
import { ScoreTrendChart } from './ScoreTrendChart';

/** The backend evaluates every 5 minutes by default. */
const REFRESH_INTERVAL_MS = 60_000;

const RESULT_LABELS: Record<ReadinessCheckOutcome['result'], string> = {
  passed: 'Passed',
  failed: 'Failed',
  unknown: 'Unknown',
};

function CheckResult(props: { result: ReadinessCheckOutcome['result'] }) {
  const label = RESULT_LABELS[props.result];
  if (props.result === 'passed') {
    return <StatusOK>{label}</StatusOK>;
  }
  return props.result === 'failed' ? (
    <StatusError>{label}</StatusError>
  ) : (
    <StatusPending>{label}</StatusPending>
  );
}

/**
 * The span a graded check's evidence covers, and the share of its weight it
 * earns while that span is short: a pass on little evidence is said to be one.
 */
function ObservedSpan(props: { check: ReadinessCheckOutcome }) {
  const { observed, credit, result } = props.check;
  if (!observed) {
    return null;
  }
  const seconds = Math.round(
    (Date.parse(observed.to) - Date.parse(observed.from)) / 1000,
  );
  const partial = result === 'passed' && credit !== undefined && credit < 1;
  return (
    <Typography variant="body2" color="textSecondary">
      Observed over {formatSeconds(seconds)}, from{' '}
      {new Date(observed.from).toLocaleString()}
      {partial &&
        ` · partial credit: ${Math.round(
          credit * 100,
        )} % of this check's weight until the full span is observed`}
    </Typography>
  );
}

function CheckItem(props: { check: ReadinessCheckOutcome }) {
  const { check } = props;
  return (
    <ListItem divider disableGutters>
      <Box width="100%">
        <Box display="flex" alignItems="center" style={{ gap: 8 }}>
          <CheckResult result={check.result} />
          <Typography variant="subtitle2">{check.title}</Typography>
        </Box>
        <Typography variant="body2">
          {check.evidence}
          {check.evidenceAt && (
            <Typography
              component="span"
              variant="body2"
              color="textSecondary"
              title={new Date(check.evidenceAt).toLocaleString()}
            >
              {' '}
              ({formatAge(check.evidenceAt)})
            </Typography>
          )}
        </Typography>
        {check.observed && <ObservedSpan check={check} />}
        {check.remediation && (
          <Typography variant="body2" color="textSecondary">
            To fix: {check.remediation}
          </Typography>
        )}
      </Box>
    </ListItem>
  );
}

function CategoryCard(props: { category: ReadinessCategory }) {
  const { category } = props;
  return (
    <InfoCard title={`${category.title} · ${formatScore(category.score)}`}>
      <section aria-label={category.title}>
        {category.checks.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            No check of this category applies to the region.
          </Typography>
        ) : (
          <List dense disablePadding>
            {category.checks.map(check => (
              <CheckItem key={check.id} check={check} />
            ))}
          </List>
        )}
      </section>
    </InfoCard>
  );
}

/**
 * The Readiness tab of a Region entity: the production-readiness score
 * against the threshold, the six categories with every check's result, the
 * evidence that decided it and how to fix it, and the score's trend.
 * Refreshes every minute.
 *
 * @public
 */
export function ReadinessTab() {
  const { entity } = useEntity();
  const regionsApi = useApi(regionsApiRef);
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;

  const { value, error, stale } = useLiveData(
    () => regionsApi.getReadiness({ namespace, name }),
    [regionsApi, namespace, name],
    { pollMs: REFRESH_INTERVAL_MS },
  );

  if (error && !value) {
    return (
      <ResponseErrorPanel
        title="Could not load readiness from the regions backend"
        error={error}
      />
    );
  }
  if (!value) {
    return <Progress />;
  }
  if (!value.evaluatedAt) {
    return (
      <EmptyState
        missing="data"
        title="Readiness not evaluated yet"
        description="The regions backend scores every region on a schedule; this one has no scorecard yet."
      />
    );
  }

  return (
    <Grid container spacing={3}>
      {stale && (
        <Grid item xs={12}>
          <StaleBanner stale={stale} what="readiness" />
        </Grid>
      )}
      <Grid item xs={12} md={4}>
        <InfoCard title="Readiness">
          <Typography variant="h3" component="p">
            {formatScore(value.score)}
          </Typography>
          <Box my={1}>
            <ReadinessChip score={value.score} ready={value.ready} />
          </Box>
          <Typography variant="body2" color="textSecondary">
            Ready from {formatScore(value.threshold)}. Evaluated{' '}
            <span title={new Date(value.evaluatedAt).toLocaleString()}>
              {formatAge(value.evaluatedAt)}
            </span>
            .
          </Typography>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={8}>
        <InfoCard title="Score over time">
          <ScoreTrendChart
            history={value.history}
            threshold={value.threshold}
          />
        </InfoCard>
      </Grid>
      {value.categories.map(category => (
        <Grid item xs={12} md={6} key={category.id}>
          <CategoryCard category={category} />
        </Grid>
      ))}
    </Grid>
  );
}
