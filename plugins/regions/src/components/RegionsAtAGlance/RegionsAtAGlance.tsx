import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { regionsApiRef } from '../../api';
import { formatNumber } from '../../lib/format';
import { useLiveData } from '../../lib/useLiveData';
import { rootRouteRef } from '../../routes';
import { StaleBanner } from '../StaleBanner';
import { StatusChip, StatusTone } from '../StatusChip';
import { ActiveFailoverRun } from '@meridian/plugin-regions-common';
import { GlanceCounts, glanceCounts } from './glanceCounts';
import { RunsInProgress } from './RunsInProgress';

/** The home page is left open on wall screens: keep it current. */
const REFRESH_INTERVAL_MS = 30_000;

interface Tile {
  label: string;
  count: number | undefined;
  /** What a non-zero count means. */
  tone: StatusTone;
  detail?: string;
  /** Links under the detail, e.g. to each run in progress. */
  links?: ReactNode;
}

function tilesOf(counts: GlanceCounts, runs?: ActiveFailoverRun[]): Tile[] {
  return [
    {
      label: 'breach their RPO',
      count: counts.breachingRpo,
      tone: 'error',
      detail: 'replication lag above the RPO now',
    },
    {
      label: 'not ready',
      count: counts.notReady,
      tone: 'error',
      detail:
        counts.notEvaluated > 0
          ? `readiness below the threshold; ${formatNumber(
              counts.notEvaluated,
            )} not evaluated yet`
          : 'readiness below the threshold',
    },
    {
      label: 'down',
      count: counts.down,
      tone: 'critical',
      detail: `every probe failing; ${formatNumber(
        counts.degraded,
      )} more degraded`,
    },
    {
      label: 'over budget',
      count: counts.overBudget,
      tone: 'error',
      detail:
        counts.atRisk === undefined
          ? 'no cost data (OpenCost not configured)'
          : `spend above the monthly budget; ${formatNumber(
              counts.atRisk,
            )} more forecast to be`,
    },
    {
      label: 'with a run in progress',
      count: counts.inRun,
      tone: 'warning',
      detail: runs
        ? `${formatNumber(runs.length)} run${
            runs.length === 1 ? '' : 's'
          } in progress (pending, awaiting approval or running)`
        : 'runs in progress could not be read',
      links: runs && <RunsInProgress runs={runs} />,
    },
  ];
}

function TileView(props: { tile: Tile }) {
  const { label, count, tone, detail, links } = props.tile;
  return (
    <Box component="section" aria-label={label}>
      <Typography variant="h3" component="p">
        {count === undefined ? '—' : formatNumber(count)}
      </Typography>
      <StatusChip tone={count ? tone : 'ok'} label={label} />
      {detail && (
        <Typography variant="body2" color="textSecondary">
          {detail}
        </Typography>
      )}
      {links}
    </Box>
  );
}

/**
 * The regions' health at a glance, for the portal's home page: how many
 * regions breach their RPO, are not ready, are down, are over budget and
 * have a failover run in progress (with a link to each run), from one `/topology`, one
 * `/costs` and one `/failovers?status=active` answer, refreshed every 30 s
 * (a failed refresh keeps the last counts, marked stale). Links to the
 * Regions page.
 *
 * @public
 */
export function RegionsAtAGlance() {
  const regionsApi = useApi(regionsApiRef);
  const regionsPage = useRouteRef(rootRouteRef);
  const counts = useLiveData(
    async () => {
      const [topology, costs, activeRuns] = await Promise.all([
        regionsApi.getTopology(),
        // costs are optional: without OpenCost the other counts still stand
        regionsApi.getCostSummary().catch(() => undefined),
        regionsApi.listActiveFailovers().catch(() => undefined),
      ]);
      return {
        ...glanceCounts(topology, costs, activeRuns),
        runs: activeRuns?.runs,
      };
    },
    [regionsApi],
    { pollMs: REFRESH_INTERVAL_MS },
  );

  if (!counts.value) {
    return counts.error ? (
      <ResponseErrorPanel
        title="Could not load the regions from the regions backend"
        error={counts.error}
      />
    ) : (
      <Progress />
    );
  }
  return (
    <>
      <StaleBanner stale={counts.stale} what="the counts" />
      <Typography variant="body2" paragraph>
        Of {formatNumber(counts.value.regions)} regions:
      </Typography>
      <Grid container spacing={3}>
        {tilesOf(counts.value, counts.value.runs).map(tile => (
          <Grid item xs={12} sm={6} md key={tile.label}>
            <TileView tile={tile} />
          </Grid>
        ))}
      </Grid>
      {regionsPage && (
        <Box mt={2}>
          <Link to={regionsPage()}>All regions</Link>
        </Box>
      )}
    </>
  );
}
